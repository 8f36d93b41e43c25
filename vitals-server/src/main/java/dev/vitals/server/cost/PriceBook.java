package dev.vitals.server.cost;

import dev.vitals.pricing.PriceCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The live price catalog: the built-in one overlaid with the user's override file, swapped atomically
 * on reload. A bad override file keeps the previous catalog and reports why. Reloads read files, so
 * callers run them on a worker thread.
 */
public final class PriceBook implements Supplier<PriceCatalog> {
    private static final Logger LOG = Logger.getLogger(PriceBook.class.getName());
    private final PriceCatalog builtIn = PriceCatalog.builtIn();
    private final Path overrideFile;
    private final AtomicReference<PriceCatalog> current = new AtomicReference<>();
    private volatile FileTime lastModified;

    public PriceBook(String overrideFile) {
        this.overrideFile = overrideFile == null ? null : Path.of(overrideFile);
        current.set(load()); // at start-up a bad override file fails fast
    }

    @Override
    public PriceCatalog get() {
        return current.get();
    }

    /** Reloads now; throws {@link IllegalArgumentException} or {@link java.io.UncheckedIOException} and keeps the old catalog on error. */
    public synchronized PriceCatalog reload() {
        PriceCatalog c = load();
        current.set(c);
        LOG.info("price catalog reloaded: version " + c.version() + ", " + c.size() + " models");
        return c;
    }

    /** Reloads when the override file's modification time changed; errors are logged and the old catalog kept. */
    public void reloadIfChanged() {
        if (overrideFile == null) {
            return;
        }
        try {
            FileTime t = Files.getLastModifiedTime(overrideFile);
            if (!t.equals(lastModified)) {
                reload();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warning("price override file " + overrideFile + " not reloaded, keeping version "
                    + current.get().version() + ": " + e.getMessage());
        }
    }

    private PriceCatalog load() {
        if (overrideFile == null) {
            return builtIn;
        }
        try {
            lastModified = Files.getLastModifiedTime(overrideFile);
        } catch (IOException e) {
            throw new dev.vitals.server.config.ConfigException("pricing.overrideFile " + overrideFile + " cannot be read: " + e.getMessage());
        }
        return builtIn.overlay(PriceCatalog.load(overrideFile));
    }
}
