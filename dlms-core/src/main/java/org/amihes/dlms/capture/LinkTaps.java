package org.amihes.dlms.capture;

import io.vertx.core.net.SocketAddress;
import org.amihes.dlms.transport.TransportKind;

/** Hands out a {@link LinkTap} for each link a tapped transport opens. */
public interface LinkTaps {

    /** {@code local} and {@code remote} may be null when the socket cannot say. */
    LinkTap opened(TransportKind kind, SocketAddress local, SocketAddress remote);
}
