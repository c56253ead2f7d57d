package org.amihes.simulator;

/**
 * Network faults injected into a meter's answers, fleet-wide ({@link FleetSimulator#setFaults(Faults)}) or per meter
 * ({@link FleetSimulator#setFaults(String, Faults)}). Drawn per answer from a random sequence seeded by the fleet seed,
 * the meter and the connection's ordinal, so a run with the same traffic sees the same faults.
 *
 * @param latencyMeanMs        added delay per answer, mean (like {@code netem delay 100ms 20ms})
 * @param latencyStdDevMs      standard deviation of that delay (normal distribution, never below zero)
 * @param dropProbability      the meter closes the connection instead of answering (UDP: forgets the association)
 * @param lossProbability      the answer is not sent (the request was still processed)
 * @param malformedProbability the answer is sent with its APDU corrupted on purpose
 */
public record Faults(double latencyMeanMs, double latencyStdDevMs, double dropProbability, double lossProbability,
                     double malformedProbability) {

    public static final Faults NONE = new Faults(0, 0, 0, 0, 0);

    public Faults {
        if (latencyMeanMs < 0 || latencyStdDevMs < 0) {
            throw new IllegalArgumentException("latency must not be negative");
        }
        probability("dropProbability", dropProbability);
        probability("lossProbability", lossProbability);
        probability("malformedProbability", malformedProbability);
    }

    public static Faults latency(double meanMs, double stdDevMs) {
        return NONE.withLatency(meanMs, stdDevMs);
    }

    public Faults withLatency(double meanMs, double stdDevMs) {
        return new Faults(meanMs, stdDevMs, dropProbability, lossProbability, malformedProbability);
    }

    public Faults withDrop(double probability) {
        return new Faults(latencyMeanMs, latencyStdDevMs, probability, lossProbability, malformedProbability);
    }

    public Faults withLoss(double probability) {
        return new Faults(latencyMeanMs, latencyStdDevMs, dropProbability, probability, malformedProbability);
    }

    public Faults withMalformed(double probability) {
        return new Faults(latencyMeanMs, latencyStdDevMs, dropProbability, lossProbability, probability);
    }

    private static void probability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be within [0, 1], got " + p);
        }
    }
}
