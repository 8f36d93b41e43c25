package dev.vitals.server.component;

import dev.vitals.server.http.RouteRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A {@link Component} assembled from its parts: {@code Feature.named("drift").routes(...).save(drift::save)}. */
public final class Feature implements Component {
    private final String name;
    private Consumer<RouteRegistry> routes = r -> { };
    private Runnable restore = () -> { };
    private Runnable save = () -> { };
    private Runnable flush = () -> { };
    private Runnable close = () -> { };
    private final List<Schedule> schedules = new ArrayList<>();

    private Feature(String name) {
        this.name = name;
    }

    public static Feature named(String name) {
        return new Feature(name);
    }

    public Feature routes(Consumer<RouteRegistry> routes) {
        this.routes = routes;
        return this;
    }

    public Feature restore(Runnable restore) {
        this.restore = restore;
        return this;
    }

    public Feature save(Runnable save) {
        this.save = save;
        return this;
    }

    public Feature flush(Runnable flush) {
        this.flush = flush;
        return this;
    }

    public Feature close(Runnable close) {
        this.close = close;
        return this;
    }

    public Feature schedule(Schedule s) {
        schedules.add(s);
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void routes(RouteRegistry r) {
        routes.accept(r);
    }

    @Override
    public void restore() {
        restore.run();
    }

    @Override
    public void save() {
        save.run();
    }

    @Override
    public void flush() {
        flush.run();
    }

    @Override
    public List<Schedule> schedules() {
        return List.copyOf(schedules);
    }

    @Override
    public void close() {
        close.run();
    }
}
