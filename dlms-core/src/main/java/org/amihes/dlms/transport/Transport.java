package org.amihes.dlms.transport;

import io.vertx.core.Future;

/**
 * A medium to meters (TCP, UDP, ...). The application layer sees only {@link Link}s, so a meter moving from
 * cellular to RF mesh or PLC changes its transport, never the data model. Implementations must not block and
 * must complete on the caller's Vert.x context.
 */
public interface Transport {

    Future<Link> connect(String host, int port);
}
