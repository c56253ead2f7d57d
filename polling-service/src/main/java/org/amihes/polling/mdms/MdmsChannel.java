package org.amihes.polling.mdms;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.amihes.contracts.MdmsReading;

/** One way readings reach MDMS consumers; {@link MdmsRelay} feeds it from the outbox rows of its {@link #name()}. */
public interface MdmsChannel {

    /** The outbox channel this publishes ({@link MdmsChannels}). */
    String name();

    /** Connected and able to publish now. */
    boolean ready();

    /** Completes once the broker has taken every reading (confirm, PUBACK); fails if any was not taken. */
    CompletableFuture<Void> publish(List<MdmsReading> readings);
}
