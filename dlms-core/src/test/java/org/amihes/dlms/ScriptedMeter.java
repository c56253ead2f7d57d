package org.amihes.dlms;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.amihes.dlms.transport.TransportKind;

/**
 * A peer on loopback that plays a fixed script against the client, one step per wrapper frame it receives: answer
 * with given bytes, or close the connection. Past the end of its script it stays silent. For the cases the
 * simulator cannot produce because it behaves correctly (a context name we did not propose, a dedicated key
 * ignored, datablocks that never end).
 */
final class ScriptedMeter implements AutoCloseable {

    /** What the peer does on the next frame it receives. */
    sealed interface Step permits Answer, Close {
    }

    /** Sends these bytes (a whole wrapper frame) back. */
    record Answer(byte[] frame) implements Step {
    }

    /** Closes the connection without answering. */
    record Close() implements Step {
    }

    private final NetServer server;
    private final List<byte[]> received = new CopyOnWriteArrayList<>();

    private ScriptedMeter(NetServer server) {
        this.server = server;
    }

    /** Plays {@code script} on every connection. */
    static Future<ScriptedMeter> start(Vertx vertx, List<Step> script) {
        NetServer server = vertx.createNetServer();
        ScriptedMeter meter = new ScriptedMeter(server);
        server.connectHandler(socket -> meter.play(socket, script));
        return server.listen(0, "127.0.0.1").map(s -> meter);
    }

    /** Plays the n-th script on the n-th connection; connections past the last script get silence. */
    static Future<ScriptedMeter> perConnection(Vertx vertx, List<List<Step>> scripts) {
        NetServer server = vertx.createNetServer();
        ScriptedMeter meter = new ScriptedMeter(server);
        AtomicInteger connections = new AtomicInteger();
        server.connectHandler(socket -> {
            int n = connections.getAndIncrement();
            meter.play(socket, n < scripts.size() ? scripts.get(n) : List.of());
        });
        return server.listen(0, "127.0.0.1").map(s -> meter);
    }

    int port() {
        return server.actualPort();
    }

    /** A public-client (16) session to this peer over the wrapper: the client its scripted AAREs answer. */
    Future<DlmsSession> openPublic(Vertx vertx, Transports transports) {
        return open(vertx, transports, SessionSettings.publicClient("127.0.0.1", port(), TransportKind.TCP_WRAPPER));
    }

    /** The same, with its response timeout. */
    Future<DlmsSession> openPublic(Vertx vertx, Transports transports, java.time.Duration responseTimeout) {
        return open(vertx, transports, SessionSettings.publicClient("127.0.0.1", port(), TransportKind.TCP_WRAPPER)
                .withResponseTimeout(responseTimeout));
    }

    private static Future<DlmsSession> open(Vertx vertx, Transports transports, SessionSettings settings) {
        return DlmsSession.open(vertx, vertx.getOrCreateContext(), transports.forKind(settings.transport()), settings);
    }

    /** The frames the client sent, in order. */
    List<byte[]> received() {
        return List.copyOf(received);
    }

    private void play(NetSocket socket, List<Step> script) {
        Buffer[] pending = {Buffer.buffer()};
        int[] next = {0};
        socket.handler(data -> {
            Buffer in = pending[0].appendBuffer(data);
            // A wrapper frame is its 8-byte header plus the length at bytes 6-7; TCP may split or join frames.
            while (in.length() >= 8 && in.length() >= 8 + in.getUnsignedShort(6)) {
                int length = 8 + in.getUnsignedShort(6);
                received.add(in.getBytes(0, length));
                in = in.getBuffer(length, in.length());
                pending[0] = in;
                if (next[0] >= script.size()) {
                    continue;
                }
                Step step = script.get(next[0]++);
                if (step instanceof Answer answer) {
                    socket.write(Buffer.buffer(answer.frame()));
                } else {
                    socket.close();
                    return;
                }
            }
        });
    }

    @Override
    public void close() {
        server.close();
    }
}
