package org.amihes.polling.rest;

import java.util.List;
import java.util.UUID;

/** Answer to POST /reads: the batch to follow at {@code status}. */
public record BatchAccepted(UUID batchId, int requested, List<String> registers, String status) {
}
