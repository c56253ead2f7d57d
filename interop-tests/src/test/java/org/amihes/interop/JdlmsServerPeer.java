package org.amihes.interop;

import java.io.IOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.openmuc.jdlms.AuthenticationMechanism;
import org.openmuc.jdlms.ConformanceSetting;
import org.openmuc.jdlms.CosemInterfaceObject;
import org.openmuc.jdlms.DlmsServer;
import org.openmuc.jdlms.LogicalDevice;
import org.openmuc.jdlms.SecuritySuite;
import org.openmuc.jdlms.sessionlayer.server.ServerSessionLayerFactories;

/**
 * A jDLMS server with one management logical device (address 1) holding the given COSEM objects. Two clients
 * are allowed: the public client 16 without authentication and the client {@link #LLS_CLIENT} with LLS and
 * {@link #LLS_PASSWORD}. jDLMS listens on all interfaces (no bind option): the tests only ever dial 127.0.0.1.
 */
final class JdlmsServerPeer implements AutoCloseable {

    enum Framing { WRAPPER, HDLC }

    static final int LOGICAL_DEVICE = 1;
    static final int PUBLIC_CLIENT = 16;
    static final int LLS_CLIENT = 32;
    static final String LLS_PASSWORD = "12345678";

    private final DlmsServer server;
    private final int port;

    private JdlmsServerPeer(DlmsServer server, int port) {
        this.server = server;
        this.port = port;
    }

    static JdlmsServerPeer start(Framing framing, List<CosemInterfaceObject> objects) throws IOException {
        return start(framing, objects, null);
    }

    /**
     * @param conformance the logical device's conformance block, null for jDLMS's default (which includes
     *                    GET-with-list, "multiple-references")
     */
    static JdlmsServerPeer start(Framing framing, List<CosemInterfaceObject> objects, ConformanceSetting[] conformance)
            throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) { // the free port may be taken between probe and bind
            int port = Loopback.freePort();
            LogicalDevice device = new LogicalDevice(LOGICAL_DEVICE, "ISE-INTEROP", "ISE", 4242L);
            device.addRestriction(PUBLIC_CLIENT, SecuritySuite.builder().build());
            device.addRestriction(LLS_CLIENT, SecuritySuite.builder()
                    .setAuthenticationMechanism(AuthenticationMechanism.LOW)
                    .setPassword(LLS_PASSWORD.getBytes(StandardCharsets.US_ASCII))
                    .build());
            if (conformance != null) {
                device.setConformance(conformance);
            }
            device.registerCosemObject(objects);
            DlmsServer.TcpServerBuilder builder = DlmsServer.tcpServerBuilder(port)
                    .registerLogicalDevice(device)
                    .setInactivityTimeout(10_000) // an abandoned association frees its thread
                    .setSessionLayerFactory(framing == Framing.HDLC
                            ? ServerSessionLayerFactories.newHdlcSessionLayerFactory()
                            : ServerSessionLayerFactories.newWrapperSessionLayerFactory());
            try {
                return new JdlmsServerPeer(builder.build(), port);
            } catch (BindException e) {
                last = e;
            }
        }
        throw last;
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
