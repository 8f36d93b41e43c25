package dev.vitals.server.state;

import dev.vitals.server.store.JournalEntry;
import dev.vitals.server.store.StateStore;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The start-up replay every journaling component shares: a replica's entries of some kinds after its
 * checkpoint, in commit order, a page at a time. An entry that cannot be applied is skipped and logged,
 * never fatal: the rest of what was acknowledged still comes back.
 */
public final class JournalReplay {
    private static final int PAGE = 1000;

    private JournalReplay() {
    }

    /**
     * Applies the entries after {@code afterSeq}; blocking.
     *
     * @param what how the log counts the replayed entries, e.g. {@code drift: %d journaled feature batches}
     * @return the last entry seen ({@code afterSeq} when none), applied or skipped
     */
    public static long replay(StateStore store, String replica, List<String> kinds, long afterSeq, Consumer<JournalEntry> apply,
                              Logger log, String what) {
        long after = afterSeq;
        int n = 0;
        for (List<JournalEntry> page; !(page = store.journal(replica, kinds, after, PAGE)).isEmpty(); ) {
            for (JournalEntry e : page) {
                try {
                    apply.accept(e);
                    n++;
                } catch (RuntimeException ex) {
                    log.warning("journal entry " + e.seq() + " (" + e.kind() + ") skipped: " + ex.getMessage());
                }
                after = e.seq();
            }
        }
        if (n > 0) {
            log.info(String.format(what, n) + " replayed after the checkpoint");
        }
        return after;
    }
}
