package org.amihes.association;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.amihes.association.audit.AuditLog;
import org.amihes.association.domain.Meter;
import org.amihes.association.domain.MeterDirectory;
import org.amihes.association.persistence.Notifications;
import org.jboss.logging.Logger;

/**
 * Resetting a meter's association without a restart (the field manual's "hung association"). A meter's association
 * lives in the replica whose job partition holds the meter, so a reset acts here at once and is told to every other
 * replica ({@link Notifications}); whichever has the association open ends it ({@link MeterSessions#reset}) and
 * audits it. Every replica also forgets the meter's cached credentials.
 */
@ApplicationScoped
public class SessionResets {

    static final String CHANNEL = "association_session_reset";
    private static final Logger LOG = Logger.getLogger(SessionResets.class);

    /** A reset as requested and what it found in the replica that took the request. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Reset(String resetId, String meterId, String requestedBy, Instant requestedAt, boolean closedHere) {
    }

    /** What goes to the other replicas. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Notice(String resetId, String meterId, String requestedBy, Instant requestedAt, String fromReplica) {
    }

    private final String replica = UUID.randomUUID().toString();
    private final MeterSessions sessions;
    private final MeterDirectory directory;
    private final AuditLog audit;
    private final Notifications notifications;
    private final Pool pool;
    private final ObjectMapper mapper;

    public SessionResets(MeterSessions sessions, MeterDirectory directory, AuditLog audit, Notifications notifications,
                         Pool pool, ObjectMapper mapper) {
        this.sessions = sessions;
        this.directory = directory;
        this.audit = audit;
        this.notifications = notifications;
        this.pool = pool;
        this.mapper = mapper;
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        notifications.listen(CHANNEL, this::noticed);
    }

    /** Resets the meter's association here and in every other replica; the meter must be registered. */
    public Uni<Reset> reset(Meter meter, String actor) {
        Notice notice = new Notice(UUID.randomUUID().toString(), meter.meterId(), actor, Instant.now(), replica);
        return Uni.createFrom().completionStage(() -> act(meter, notice).toCompletionStage())
                .call(() -> pool.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(CHANNEL, json(notice))))
                .map(closed -> new Reset(notice.resetId(), meter.meterId(), actor, notice.requestedAt(), closed));
    }

    private void noticed(String payload) {
        Notice notice;
        try {
            notice = mapper.readValue(payload, Notice.class);
        } catch (JsonProcessingException e) {
            LOG.warnf("ignoring a session reset notice that does not parse: %s", e.getMessage());
            return;
        }
        if (replica.equals(notice.fromReplica())) {
            return; // acted on when it was requested here
        }
        directory.find(notice.meterId()).ifPresent(m -> act(m, notice));
    }

    /** Ends the association if this replica has it open; audits what it found (a replica without it stays quiet). */
    private io.vertx.core.Future<Boolean> act(Meter meter, Notice notice) {
        String reason = "association reset by " + notice.requestedBy() + " (reset " + notice.resetId() + ")";
        return sessions.reset(meter, reason).onSuccess(closed -> {
            if (closed || replica.equals(notice.fromReplica())) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("requestedBy", notice.requestedBy());
                details.put("resetId", notice.resetId());
                details.put("associationClosed", closed);
                details.put("replica", replica);
                audit.pass("SESSION_RESET", meter.meterId(), null, details);
            }
        });
    }

    private String json(Notice notice) {
        try {
            return mapper.writeValueAsString(notice);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
