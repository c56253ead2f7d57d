package org.amihes.interop;

import java.io.IOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.openmuc.jdlms.AuthenticationMechanism;
import org.openmuc.jdlms.ConformanceSetting;
import org.openmuc.jdlms.CosemInterfaceObject;
import org.openmuc.jdlms.DlmsServer;
import org.openmuc.jdlms.LogicalDevice;
import org.openmuc.jdlms.SecuritySuite;
import org.openmuc.jdlms.sessionlayer.server.ServerSessionLayerFactories;

/**
 * A jDLMS server with one management logical device (address 1, system title {@link #SYSTEM_TITLE}) holding the
 * given COSEM objects. Allowed clients: the public client 16 without authentication, the client
 * {@link #LLS_CLIENT} with LLS and {@link #LLS_PASSWORD}, and whatever further clients (e.g. HLS-GMAC) a test
 * adds. jDLMS listens on all interfaces (no bind option): the tests only ever dial 127.0.0.1.
 */
final class JdlmsServerPeer implements AutoCloseable {

    enum Framing { WRAPPER, HDLC }

    static final int LOGICAL_DEVICE = 1;
    static final int PUBLIC_CLIENT = 16;
    static final int LLS_CLIENT = 32;
    static final String LLS_PASSWORD = "12345678";
    /** The logical device's manufacturer id and 5-byte device id: its system title is {@link #SYSTEM_TITLE}. */
    static final String MANUFACTURER = "ISE";
    static final long DEVICE_ID = 4242L;
    /** "ISE" | 00 00 00 10 92 (4242) */
    static final byte[] SYSTEM_TITLE = {0x49, 0x53, 0x45, 0x00, 0x00, 0x00, 0x10, (byte) 0x92};
    /** The master key (KEK) jDLMS insists on once a client has keys; nothing here uses it. */
    static final byte[] MASTER_KEY = java.util.HexFormat.of().parseHex("0F0E0D0C0B0A09080706050403020100");

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
        return start(framing, objects, conformance, Map.of());
    }

    /**
     * @param moreClients further client restrictions (client id to jDLMS security suite), e.g. HLS-GMAC clients,
     *                    besides the public and the LLS client
     */
    static JdlmsServerPeer start(Framing framing, List<CosemInterfaceObject> objects, ConformanceSetting[] conformance,
                                 Map<Integer, SecuritySuite> moreClients) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) { // the free port may be taken between probe and bind
            int port = Loopback.freePort();
            LogicalDevice device = new LogicalDevice(LOGICAL_DEVICE, "ISE-INTEROP", MANUFACTURER, DEVICE_ID);
            device.addRestriction(PUBLIC_CLIENT, SecuritySuite.builder().build());
            device.addRestriction(LLS_CLIENT, SecuritySuite.builder()
                    .setAuthenticationMechanism(AuthenticationMechanism.LOW)
                    .setPassword(LLS_PASSWORD.getBytes(StandardCharsets.US_ASCII))
                    .build());
            moreClients.forEach(device::addRestriction);
            if (!moreClients.isEmpty()) {
                device.setMasterKey(MASTER_KEY.clone()); // jDLMS requires a master key (KEK) once keys are in use
            }
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
