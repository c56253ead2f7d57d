package org.amihes.polling.mdms;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.amihes.contracts.MdmsReading;
import org.amihes.contracts.MdmsReadings;
import org.amihes.polling.PollingConfig;
import org.amihes.service.messaging.JsonMessages;
import org.jboss.logging.Logger;

/**
 * Readings to an MQTT broker (Mosquitto): QoS 1 to {@code <prefix>/<kind>/<meterId>}, the same JSON as on RabbitMQ
 * ({@link MdmsReadings}: here the meter's readings of the pass); a pass completes when every PUBLISH got its PUBACK. The session is persistent (fixed client
 * id, clean session false) and the client reconnects by itself; a reading whose PUBACK did not come is published
 * again by the next pass (same dedup key). Runs on one Vert.x context: never blocks it.
 */
@ApplicationScoped
public class MqttMdmsChannel implements MdmsChannel {

    private static final Logger LOG = Logger.getLogger(MqttMdmsChannel.class);
    private static final long RECONNECT_MS = 1000;
    private static final long RECONNECT_MAX_MS = 30_000;
    private static final long PUBACK_TIMEOUT_S = 30;

    private final Vertx vertx;
    private final JsonMessages json;
    private final PollingConfig.Mdms.Mqtt config;
    private final String clientId;
    private Context context;
    private MqttClient client;
    private volatile boolean connected;
    private volatile boolean stopping;
    /** The pause before the next connection attempt: doubled after each failure, up to 30 s; on the context only. */
    private long reconnectMs = RECONNECT_MS;
    /** PUBLISHes awaiting their PUBACK, by packet id; touched on {@link #context} only. */
    private final Map<Integer, CompletableFuture<Void>> inflight = new HashMap<>();
    /** PUBACKs that came before their PUBLISH's packet id was known here (a local broker can be that quick). */
    private final java.util.Set<Integer> ackedEarly = new java.util.HashSet<>();

    public MqttMdmsChannel(Vertx vertx, JsonMessages json, PollingConfig config) {
        this.vertx = vertx;
        this.json = json;
        this.config = config.mdms().mqtt();
        this.clientId = this.config.clientId().orElseGet(() -> "amihes-polling-"
                + java.lang.management.ManagementFactory.getRuntimeMXBean().getName().replaceAll("[^A-Za-z0-9._-]", "-"));
    }

    void onStart(@Observes @Priority(30) StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        MqttClientOptions options = new MqttClientOptions().setClientId(clientId).setCleanSession(false)
                .setMaxInflightQueue(config.maxInflight()).setAutoKeepAlive(true).setKeepAliveInterval(30)
                .setSsl(config.tls());
        if (config.tls()) {
            options.setHostnameVerificationAlgorithm("HTTPS"); // the broker's certificate must name the host we dial
        }
        config.trustPem().ifPresent(pem -> options.setTrustOptions(new PemTrustOptions().addCertPath(pem)));
        config.username().ifPresent(options::setUsername);
        config.password().ifPresent(options::setPassword);
        context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            client = MqttClient.create(vertx, options);
            client.publishCompletionHandler(id -> {
                CompletableFuture<Void> f = inflight.remove(id);
                if (f != null) {
                    f.complete(null);
                } else {
                    ackedEarly.add(id);
                }
            });
            client.closeHandler(x -> {
                connected = false;
                failInflight("connection to the MQTT broker lost before the PUBACK");
                if (!stopping) {
                    LOG.warnf("MQTT connection to %s:%d lost; reconnecting", config.host(), config.port());
                    vertx.setTimer(RECONNECT_MS, t -> connect());
                }
            });
            connect();
        });
    }

    private void connect() {
        if (stopping) {
            return;
        }
        client.connect(config.port(), config.host()).onComplete(ar -> {
            if (ar.succeeded() && ar.result().code() == MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                connected = true;
                reconnectMs = RECONNECT_MS;
                LOG.infof("MQTT: connected to %s:%d as %s (session present: %s)", config.host(), config.port(),
                        clientId, ar.result().isSessionPresent());
            } else {
                LOG.warnf("MQTT: cannot connect to %s:%d (%s); readings wait in the outbox, retrying in %d s", config.host(),
                        config.port(), ar.succeeded() ? ar.result().code() : ar.cause().getMessage(), reconnectMs / 1000);
                vertx.setTimer(reconnectMs, t -> connect());
                reconnectMs = Math.min(RECONNECT_MAX_MS, reconnectMs * 2);
            }
        });
    }

    @Override
    public String name() {
        return MdmsChannels.MQTT;
    }

    @Override
    public boolean ready() {
        return connected;
    }

    /**
     * The readings as {@link MdmsReadings} messages, one per meter and kind (up to 500 readings each), sent in windows
     * of {@code max-inflight}: the next window once every PUBACK of this one came.
     */
    @Override
    public CompletableFuture<Void> publish(List<MdmsReading> readings) {
        List<List<MdmsReading>> messages = MdmsMessages.group(readings, this::topic);
        CompletableFuture<Void> all = new CompletableFuture<>();
        context.runOnContext(v -> sendFrom(messages, 0, all));
        return all;
    }

    private void sendFrom(List<List<MdmsReading>> messages, int from, CompletableFuture<Void> all) {
        if (from >= messages.size()) {
            all.complete(null);
            return;
        }
        if (!connected) {
            all.completeExceptionally(new IOException("not connected to the MQTT broker"));
            return;
        }
        int to = Math.min(messages.size(), from + config.maxInflight());
        CompletableFuture<?>[] acks = new CompletableFuture<?>[to - from];
        for (int i = from; i < to; i++) {
            List<MdmsReading> m = messages.get(i);
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks[i - from] = ack;
            client.publish(topic(m.get(0)), Buffer.buffer(json.write(new MdmsReadings(m))), MqttQoS.AT_LEAST_ONCE, false,
                            false)
                    .onSuccess(id -> {
                        if (ackedEarly.remove(id)) {
                            ack.complete(null);
                        } else {
                            inflight.put(id, ack);
                        }
                    })
                    .onFailure(ack::completeExceptionally);
        }
        CompletableFuture.allOf(acks).orTimeout(PUBACK_TIMEOUT_S, TimeUnit.SECONDS).whenComplete((ok, e) -> {
            if (e != null) {
                all.completeExceptionally(e);
            } else {
                context.runOnContext(v -> sendFrom(messages, to, all));
            }
        });
    }

    String topic(MdmsReading r) {
        return config.topicPrefix() + "/" + r.kind().name().toLowerCase(Locale.ROOT) + "/" + r.meterId();
    }

    private void failInflight(String why) {
        List<CompletableFuture<Void>> lost = List.copyOf(inflight.values());
        inflight.clear();
        ackedEarly.clear();
        lost.forEach(f -> f.completeExceptionally(new IOException(why)));
    }

    void onStop(@Observes @Priority(5000) ShutdownEvent event) {
        stopping = true;
        if (client != null) {
            context.runOnContext(v -> {
                if (client.isConnected()) {
                    client.disconnect();
                }
            });
        }
    }
}
