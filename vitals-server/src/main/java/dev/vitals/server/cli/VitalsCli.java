package dev.vitals.server.cli;

import dev.vitals.server.cli.drift.DriftCommand;
import dev.vitals.server.cli.eval.EvalCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vitals}: the command line. Each subcommand is a class of its own. */
@Command(name = "vitals", mixinStandardHelpOptions = true, version = "vitals 0.2.0",
        description = "Vital signs for AI systems in production.",
        subcommands = {ServeCommand.class, ConfigCommand.class, EvalCommand.class, DriftCommand.class, RulesCommand.class, DashboardCommand.class,
                LoadgenCommand.class})
public final class VitalsCli implements Runnable {

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s - %5$s%6$s%n");
        int code = new CommandLine(new VitalsCli()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
