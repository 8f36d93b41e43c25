package dev.vitals.server.quality;

import dev.vitals.quality.QualityReport;
import java.util.List;

/** What the quality service's reads return, typed; {@link QualityReports} writes them as the API's JSON. */
public final class QualityResults {
    private QualityResults() {
    }

    /**
     * A model's report over a window.
     *
     * @param scope {@code replica} (this replica's windows) or {@code fleet}
     * @param replicas for the fleet: whose windows it merges; {@code null} for a replica's report
     */
    public record Report(QualityReport report, String model, String window, String task, String scope, List<Source> replicas) {
        public Report {
            replicas = replicas == null ? null : List.copyOf(replicas);
        }
    }

    /**
     * A replica whose windows a fleet report merges: this one's live windows, or another's as it last saved them.
     *
     * @param savedAt when the other replica saved them ({@code null} when its checkpoint does not say); unused when live
     */
    public record Source(String replica, boolean live, Long savedAt) {
    }

    /**
     * The state of one feedback id.
     *
     * @param status {@code ok} (applied), {@code pending} (waiting for its call) or {@code unknown_call} (waited in vain)
     * @param model the call's model when applied, else {@code null}
     * @param expiresAt when a pending feedback stops waiting (epoch milliseconds); {@code null} when applied
     */
    public record FeedbackStatus(String feedbackId, String status, String requestId, String model, Long expiresAt) {
    }
}
