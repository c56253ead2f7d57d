package org.amihes.simulator;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXDLMSClient;
import gurux.dlms.GXDLMSException;
import gurux.dlms.GXReplyData;
import gurux.dlms.enums.Authentication;
import gurux.dlms.enums.DataType;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

/**
 * A plain, blocking Gurux client over java.net sockets: the simulator's tests talk to it as any DLMS client would,
 * sharing no code with the head-end's client.
 */
final class TestClient implements AutoCloseable {

    private static final java.util.HexFormat HEX = java.util.HexFormat.of().withUpperCase();

    final GXDLMSClient client;
    /** Every frame this client sent ("TX ") or received ("RX "), upper-case hex, oldest first. */
    final List<String> frames = new java.util.ArrayList<>();
    private final Channel channel;
    private final InterfaceType type;

    private TestClient(GXDLMSClient client, Channel channel, InterfaceType type) {
        this.client = client;
        this.channel = channel;
        this.type = type;
    }

    /** Public client (16) over TCP. */
    static TestClient publicClient(MeterSpec m) throws IOException {
        return tcp(m, Fleet.PUBLIC_CLIENT, Authentication.NONE, null);
    }

    /** LLS management client (32) over TCP, with the meter's password. */
    static TestClient lls(MeterSpec m) throws IOException {
        return tcp(m, SimulatedMeter.LLS_CLIENT, Authentication.LOW, m.llsPassword());
    }

    static TestClient tcp(MeterSpec m, int clientAddress, Authentication auth, String password) throws IOException {
        InterfaceType type = SimulatedMeter.interfaceType(VendorProfile.load(m.profile()));
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(m.host(), m.port()), 2_000);
        socket.setSoTimeout(5_000);
        socket.setTcpNoDelay(true);
        return new TestClient(client(m, clientAddress, auth, password, type), new TcpChannel(socket), type);
    }

    /** Public client over UDP (wrapper), from an ephemeral local port. */
    static TestClient udp(MeterSpec m) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        socket.connect(new InetSocketAddress(m.host(), m.port()));
        socket.setSoTimeout(5_000);
        return new TestClient(client(m, Fleet.PUBLIC_CLIENT, Authentication.NONE, null, InterfaceType.WRAPPER),
                new UdpChannel(socket), InterfaceType.WRAPPER);
    }

    private static GXDLMSClient client(MeterSpec m, int clientAddress, Authentication auth, String password,
                                       InterfaceType type) {
        GXDLMSClient c = new GXDLMSClient(true, clientAddress, m.logicalDevice(), auth, password, type);
        c.setMaxReceivePDUSize(VendorProfile.load(m.profile()).maxPduSize());
        return c;
    }

    TestClient timeout(Duration timeout) throws IOException {
        channel.timeout((int) timeout.toMillis());
        return this;
    }

    /** SNRM/UA on HDLC, then AARQ/AARE. */
    TestClient associate() throws Exception {
        if (type == InterfaceType.HDLC) {
            client.parseUAResponse(exchange(client.snrmRequest()).getData());
        }
        GXReplyData aare = new GXReplyData();
        for (byte[] frame : client.aarqRequest()) {
            aare = exchange(frame);
        }
        client.parseAareResponse(aare.getData());
        return this;
    }

    Object read(GXDLMSObject object, int attribute) throws Exception {
        return client.updateValue(object, attribute, exchangeAll(client.read(object, attribute)).getValue());
    }

    List<Object[]> readByRange(GXDLMSProfileGeneric pg, Instant from, Instant to) throws Exception {
        GXReplyData reply = exchangeAll(client.readRowsByRange(pg, Date.from(from), Date.from(to)));
        client.updateValue(pg, 2, reply.getValue());
        return Arrays.stream(pg.getBuffer()).map(r -> (Object[]) r).toList();
    }

    List<Object[]> readByEntry(GXDLMSProfileGeneric pg, int first, int count) throws Exception {
        GXReplyData reply = exchangeAll(client.readRowsByEntry(pg, first, count));
        client.updateValue(pg, 2, reply.getValue());
        return Arrays.stream(pg.getBuffer()).map(r -> (Object[]) r).toList();
    }

    void write(GXDLMSObject object, int attribute) throws Exception {
        exchangeAll(client.write(object, attribute));
    }

    /** Invokes a method; a refused one throws {@link GXDLMSException} with the action-result. */
    void method(GXDLMSObject object, int index, Object data, DataType type) throws Exception {
        exchangeAll(client.method(object, index, data, type));
    }

    void send(byte[][] frames) throws Exception {
        exchangeAll(frames);
    }

    void release() throws Exception {
        exchangeAll(client.releaseRequest());
        byte[] disc = client.disconnectRequest();
        if (disc != null) {
            exchange(disc);
        }
    }

    /** Sends each request (with its follow-up blocks) and returns the last reply. */
    GXReplyData exchangeAll(byte[][] requests) throws Exception {
        GXReplyData reply = new GXReplyData();
        for (byte[] request : requests) {
            reply = exchange(request);
        }
        return reply;
    }

    /** One request, then receiver-ready until the reply is complete. */
    GXReplyData exchange(byte[] request) throws Exception {
        GXReplyData reply = new GXReplyData();
        byte[] next = request;
        do {
            frames.add("TX " + HEX.formatHex(next));
            channel.send(next);
            receive(reply);
            next = reply.isMoreData() ? client.receiverReady(reply) : null;
        } while (next != null);
        if (reply.getError() != 0) {
            throw new GXDLMSException(reply.getError());
        }
        return reply;
    }

    /** Sends raw bytes and returns what comes back, whole frame or not (for fault tests). */
    byte[] raw(byte[] request) throws IOException {
        channel.send(request);
        return channel.receive();
    }

    private void receive(GXReplyData reply) throws Exception {
        GXByteBuffer received = new GXByteBuffer();
        GXReplyData notify = new GXReplyData();
        do {
            byte[] chunk = channel.receive();
            received.set(chunk);
        } while (!client.getData(received, reply, notify));
        frames.add("RX " + HEX.formatHex(received.array()));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private interface Channel extends AutoCloseable {
        void send(byte[] frame) throws IOException;

        /** Some bytes; EOFException when the meter closed the connection, SocketTimeoutException when silent. */
        byte[] receive() throws IOException;

        void timeout(int millis) throws IOException;

        @Override
        void close() throws IOException;
    }

    private static final class TcpChannel implements Channel {
        private final Socket socket;
        private final InputStream in;
        private final byte[] buffer = new byte[65_536];

        TcpChannel(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
        }

        @Override
        public void send(byte[] frame) throws IOException {
            socket.getOutputStream().write(frame);
        }

        @Override
        public byte[] receive() throws IOException {
            int n = in.read(buffer);
            if (n < 0) {
                throw new EOFException("closed by the meter");
            }
            return Arrays.copyOf(buffer, n);
        }

        @Override
        public void timeout(int millis) throws IOException {
            socket.setSoTimeout(millis);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static final class UdpChannel implements Channel {
        private final DatagramSocket socket;
        private final byte[] buffer = new byte[65_536];

        UdpChannel(DatagramSocket socket) {
            this.socket = socket;
        }

        @Override
        public void send(byte[] frame) throws IOException {
            socket.send(new DatagramPacket(frame, frame.length));
        }

        @Override
        public byte[] receive() throws IOException {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            socket.receive(packet);
            return Arrays.copyOf(packet.getData(), packet.getLength());
        }

        @Override
        public void timeout(int millis) throws IOException {
            socket.setSoTimeout(millis);
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
