package dev.vitals.server.drift;

import dev.vitals.drift.DatasetProfile;
import dev.vitals.drift.FeatureType;

/** The three profiles of one feature. */
final class DriftFeature {
    final String model;
    final String name;
    final FeatureType type;
    volatile DatasetProfile reference;
    volatile String referenceSource;
    volatile long referenceFrom;
    volatile long referenceTo;
    volatile DatasetProfile previous;
    volatile DatasetProfile current;

    DriftFeature(String model, String name, FeatureType type) {
        this.model = model;
        this.name = name;
        this.type = type;
        this.current = DriftService.empty(name, type);
    }

    static double nonAsciiShare(String s) {
        if (s.isEmpty()) {
            return 0;
        }
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                n++;
            }
        }
        return n / (double) s.length();
    }
}
