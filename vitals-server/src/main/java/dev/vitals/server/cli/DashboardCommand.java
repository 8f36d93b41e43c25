package dev.vitals.server.cli;

import dev.vitals.server.rules.GrafanaDashboard;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vitals dashboard}: writes the Grafana dashboard. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = "Write the Vitals Grafana dashboard (vitals-dashboard.json) for import into Grafana.")
final class DashboardCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "deploy/grafana", description = "Directory to write vitals-dashboard.json into (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        System.out.println("wrote " + Generated.write(out, GrafanaDashboard.FILE_NAME, GrafanaDashboard.json()));
        return 0;
    }
}
