package org.amihes.bench;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXDLMSClient;
import gurux.dlms.GXReplyData;
import gurux.dlms.enums.Authentication;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSRegister;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The baseline the non-blocking client is measured against: the classic head-end design, one thread blocked on
 * one socket per meter session (as in the Gurux samples and OSGP's adapter). Same Gurux, same requests.
 */
final class BlockingMeterReader {

    private BlockingMeterReader() {
    }

    /** Connect, AARQ, GET-with-list {energy scaler_unit, value, clock}, RLRQ, close. Returns the energy raw value. */
    static Object read(String host, int port, int timeoutMs) throws Exception {
        GXDLMSClient client = new GXDLMSClient(true, 16, 1, Authentication.NONE, null, InterfaceType.WRAPPER);
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMs);
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            client.parseAareResponse(exchange(client, in, out, client.aarqRequest()[0]).getData());
            GXDLMSRegister energy = new GXDLMSRegister("1.0.1.8.0.255");
            List<Map.Entry<GXDLMSObject, Integer>> list = new ArrayList<>();
            list.add(new AbstractMap.SimpleEntry<>(energy, 3));
            list.add(new AbstractMap.SimpleEntry<>(energy, 2));
            list.add(new AbstractMap.SimpleEntry<>(new GXDLMSClock("0.0.1.0.0.255"), 2));
            GXReplyData reply = exchange(client, in, out, client.readList(list)[0]);
            client.updateValues(list, (List<?>) reply.getValue());
            exchange(client, in, out, client.releaseRequest()[0]);
            return energy.getValue();
        }
    }

    private static GXReplyData exchange(GXDLMSClient client, InputStream in, OutputStream out, byte[] frame)
            throws Exception {
        out.write(frame);
        out.flush();
        GXReplyData reply = new GXReplyData();
        GXByteBuffer received = new GXByteBuffer();
        byte[] chunk = new byte[2048];
        do {
            int n = in.read(chunk);
            if (n < 0) {
                throw new java.io.EOFException("meter closed the connection");
            }
            received.set(chunk, 0, n);
        } while (!client.getData(received, reply, null));
        if (reply.getError() != 0) {
            throw new IllegalStateException("data access error " + reply.getError());
        }
        return reply;
    }
}
