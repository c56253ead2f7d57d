package org.amihes.dlms;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One event-loop context per core, handed out round-robin so that meter sessions spread over all cores
 * whichever thread asks for them (a broker consumer delivers on one loop).
 */
public final class EventLoops {

    private final List<Context> contexts;
    private final AtomicInteger next = new AtomicInteger();

    private EventLoops(List<Context> contexts) {
        this.contexts = List.copyOf(contexts);
    }

    public static Future<EventLoops> deploy(Vertx vertx, int count) {
        List<Context> contexts = new CopyOnWriteArrayList<>();
        return vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start() {
                contexts.add(context);
            }
        }, new DeploymentOptions().setInstances(count)).map(id -> new EventLoops(contexts));
    }

    public Context next() {
        return contexts.get(Math.floorMod(next.getAndIncrement(), contexts.size()));
    }

    public int size() {
        return contexts.size();
    }
}
