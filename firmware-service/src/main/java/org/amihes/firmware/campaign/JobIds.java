package org.amihes.firmware.campaign;

import java.util.UUID;

/** Firmware job ids: {@code fw/<campaign>/<meter>/<step>/<attempt>} (meter ids have no '/'). */
final class JobIds {

    record Parsed(UUID campaign, String meterId) {
    }

    private JobIds() {
    }

    static Parsed parse(String jobId) {
        String[] parts = jobId.split("/");
        if (parts.length != 5 || !parts[0].equals("fw")) {
            return null;
        }
        try {
            return new Parsed(UUID.fromString(parts[1]), parts[2]);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
