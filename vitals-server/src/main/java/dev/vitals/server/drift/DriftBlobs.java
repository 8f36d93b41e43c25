package dev.vitals.server.drift;

import dev.vitals.drift.DatasetProfile;
import dev.vitals.server.store.StateStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The drift blobs' binary formats (version 1): references, current profiles and checkpointed windows; and the fleet's
 * merge of the other replicas' saved profiles.
 */
final class DriftBlobs {
    private static final Logger LOG = Logger.getLogger(DriftBlobs.class.getName());

    private DriftBlobs() {
    }

    /** One stored reference. */
    interface ReferenceSink {
        void accept(String feature, String source, long from, long to, DatasetProfile profile);
    }

    /** One checkpointed feature's windows (previous may be null). */
    interface WindowSink {
        void accept(String model, String feature, DatasetProfile current, DatasetProfile previous);
    }

    /** A feature's reference as stored. */
    record Reference(String name, String source, long from, long to, DatasetProfile profile) {
    }

    /** The references of the features that have one. */
    static List<Reference> referencesOf(Collection<DriftFeature> fs) {
        return fs.stream().filter(f -> f.reference != null)
                .map(f -> new Reference(f.name, f.referenceSource, f.referenceFrom, f.referenceTo, f.reference)).toList();
    }

    /** A model's references. */
    static byte[] references(Collection<Reference> refs) {
        return write(out -> {
            out.writeInt(refs.size());
            for (Reference r : refs) {
                out.writeUTF(r.name());
                out.writeUTF(r.source());
                out.writeLong(r.from());
                out.writeLong(r.to());
                writeBytes(out, r.profile().toBytes());
            }
        });
    }

    /** name, type, profile bytes per feature, with the time they were taken. */
    static byte[] profiles(Collection<DriftFeature> fs, Function<DriftFeature, DatasetProfile> which, long now) {
        return write(out -> {
            out.writeLong(now);
            out.writeInt(fs.size());
            for (DriftFeature f : fs) {
                out.writeUTF(f.name);
                writeBytes(out, which.apply(f).toBytes());
            }
        });
    }

    /** Reads {@link #profiles}; returns when they were taken. */
    static long readProfiles(byte[] b, BiConsumer<String, DatasetProfile> sink) throws IOException {
        try (DataInputStream in = open(b)) {
            long takenAt = in.readLong();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String feature = in.readUTF();
                sink.accept(feature, DatasetProfile.fromBytes(readBytes(in)));
            }
            return takenAt;
        }
    }

    /**
     * Merges every other replica's saved current profiles of {@code model} (blobs {@code drift.current.<replica>/<model>})
     * into {@code merged}, a feature's profile only into one of its type; returns the replicas merged. A blob that does
     * not read is skipped with a warning.
     */
    static List<DriftReport.Replica> mergeOthers(StateStore store, String replicaId, String model, Map<String, DatasetProfile> merged) {
        List<DriftReport.Replica> replicas = new ArrayList<>();
        for (String name : store.blobNames(DriftService.CURRENT_PREFIX)) {
            String rest = name.substring(DriftService.CURRENT_PREFIX.length());
            int slash = rest.indexOf('/');
            if (slash < 0 || !rest.substring(slash + 1).equals(model) || rest.substring(0, slash).equals(replicaId)) {
                continue;
            }
            try {
                long takenAt = readProfiles(store.getBlob(name), (feature, prof) -> {
                    DatasetProfile mine = merged.get(feature);
                    if (mine == null) {
                        merged.put(feature, prof);
                    } else if (mine.feature(feature).type() == prof.feature(feature).type()) {
                        mine.merge(prof);
                    }
                });
                replicas.add(new DriftReport.Replica(rest.substring(0, slash), OptionalLong.of(takenAt)));
            } catch (IOException | RuntimeException e) {
                LOG.warning("drift profiles of a replica skipped: " + e.getMessage());
            }
        }
        return replicas;
    }

    /** Reads {@link #references}. */
    static void readReferences(byte[] b, ReferenceSink sink) throws IOException {
        try (DataInputStream in = open(b)) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                String source = in.readUTF();
                long from = in.readLong();
                long to = in.readLong();
                sink.accept(name, source, from, to, DatasetProfile.fromBytes(readBytes(in)));
            }
        }
    }

    /** The running windows of every model: what a checkpoint keeps. The caller holds the lock. */
    static byte[] windows(long windowStart, long previousStart, Map<String, Map<String, DriftFeature>> models) {
        return write(out -> {
            out.writeLong(windowStart);
            out.writeLong(previousStart);
            // copies: a gateway call may add a model or feature meanwhile (observe takes no lock)
            List<Map.Entry<String, Map<String, DriftFeature>>> ms = List.copyOf(models.entrySet());
            out.writeInt(ms.size());
            for (Map.Entry<String, Map<String, DriftFeature>> m : ms) {
                List<DriftFeature> fs = List.copyOf(m.getValue().values());
                out.writeUTF(m.getKey());
                out.writeInt(fs.size());
                for (DriftFeature f : fs) {
                    out.writeUTF(f.name);
                    writeBytes(out, f.current.toBytes());
                    writeBytes(out, f.previous == null ? new byte[0] : f.previous.toBytes());
                }
            }
        });
    }

    /** Reads {@link #windows}; returns {windowStart, previousStart}. */
    static long[] readWindows(byte[] b, WindowSink sink) {
        try (DataInputStream in = open(b)) {
            long windowStart = in.readLong();
            long previousStart = in.readLong();
            int nm = in.readInt();
            for (int i = 0; i < nm; i++) {
                String m = in.readUTF();
                int nf = in.readInt();
                for (int j = 0; j < nf; j++) {
                    String name = in.readUTF();
                    byte[] cur = readBytes(in);
                    byte[] prev = readBytes(in);
                    sink.accept(m, name, DatasetProfile.fromBytes(cur), prev.length == 0 ? null : DatasetProfile.fromBytes(prev));
                }
            }
            return new long[] {windowStart, previousStart};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a blob holds after its version. */
    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /** A blob of the current version. */
    private static byte[] write(Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(1);
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A blob to read, past its version; an unknown version is an IOException. */
    private static DataInputStream open(byte[] b) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
        if (in.readInt() != 1) {
            throw new IOException("unknown format");
        }
        return in;
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return b;
    }
}
