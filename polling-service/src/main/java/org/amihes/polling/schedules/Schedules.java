package org.amihes.polling.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.amihes.service.rest.IdempotencyKey;
import org.amihes.service.digest.Sha256;
import org.amihes.service.persistence.UniqueViolation;
import org.amihes.service.rest.Problem;
import org.amihes.service.rest.ProblemException;

/**
 * Writing schedules: a request is checked whole (timing, work parameters, group against the registry view) before
 * anything is stored; a bad one stores nothing. The first fire is the first due time after now. Writing the same again
 * has one effect: a create repeated under its {@code Idempotency-Key} answers the schedule it created, a PUT of the
 * stored definition writes nothing.
 */
@ApplicationScoped
public class Schedules {

    static final int FIRES_SHOWN = 20;

    private final ScheduleStore store;
    private final MeterGroups groups;
    private final ScheduledWorks works;

    public Schedules(ScheduleStore store, MeterGroups groups, ScheduledWorks works) {
        this.store = store;
        this.groups = groups;
        this.works = works;
    }

    /** A schedule written; {@code repeated} when an earlier request under the same idempotency key created it. */
    public record Created(ScheduleView schedule, boolean repeated) {
    }

    /**
     * Creates a schedule; with an idempotency key, a request stored under it already answers that schedule (when it
     * asked for the same definition) and stores nothing, or is a 409 (when it asked for another).
     */
    public Uni<Created> create(ScheduleSpec spec, String idempotencyKey) {
        JsonNode parameters = checkSync(spec);
        if (idempotencyKey == null) {
            return store(spec, parameters, null, null);
        }
        String request = fingerprint(spec.withDefaults(parameters));
        return repeated(idempotencyKey, request).chain(found -> found != null ? Uni.createFrom().item(found)
                : store(spec, parameters, idempotencyKey, request)
                        // the same key stored meanwhile by a concurrent request: answer as a repeat of it
                        .onFailure(UniqueViolation::test).recoverWithUni(e -> repeated(idempotencyKey, request)
                                .onItem().ifNull().failWith(e)));
    }

    private Uni<Created> store(ScheduleSpec spec, JsonNode parameters, String idempotencyKey, String request) {
        UUID id = UUID.randomUUID();
        return groups.check(spec.group()).chain(() -> store.now(store.pool())).chain(now -> {
            Instant next = timing(spec, now).nextAfter(now);
            return store.insert(id, spec, parameters, next, now, idempotencyKey, request);
        }).chain(() -> view(id)).map(v -> new Created(v.orElseThrow(), false));
    }

    /** The schedule created under the key, when the request is the same; 409 when it is another; null when the key is new. */
    private Uni<Created> repeated(String key, String request) {
        return store.byIdempotencyKey(key).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().nullItem();
            }
            if (!found.get().request().equals(request)) {
                throw IdempotencyKey.reused(key, "schedule " + found.get().id());
            }
            // deleted meanwhile: its key went with it
            return view(found.get().id()).map(v -> v.map(schedule -> new Created(schedule, true)).orElse(null));
        });
    }

    /**
     * Replaces a schedule's definition; its next fire is computed anew. A definition equal to the stored one writes
     * nothing: the next fire, the phase of an interval schedule and {@code updatedAt} stay as they are.
     */
    public Uni<Optional<ScheduleView>> update(UUID id, ScheduleSpec spec) {
        JsonNode parameters = checkSync(spec);
        return store.find(store.pool(), id, false).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.<ScheduleView>empty());
            }
            if (found.get().spec().equals(spec.withDefaults(parameters))) {
                return view(id);
            }
            return groups.check(spec.group()).chain(() -> store.now(store.pool())).chain(now -> {
                Instant next = timing(spec, now).nextAfter(now);
                return store.update(id, spec, parameters, next, now);
            }).chain(updated -> updated ? view(id) : Uni.createFrom().item(Optional.empty()));
        });
    }

    public Uni<Optional<ScheduleView>> view(UUID id) {
        return store.find(store.pool(), id, false).chain(found -> found.isEmpty()
                ? Uni.createFrom().item(Optional.<ScheduleView>empty())
                : store.fires(id, FIRES_SHOWN).map(fires -> Optional.of(ScheduleView.of(found.get(), fires))));
    }

    public Uni<List<ScheduleView>> list() {
        return store.list().map(all -> all.stream().map(s -> ScheduleView.of(s, List.of())).toList());
    }

    public Uni<Boolean> delete(UUID id) {
        return store.delete(id);
    }

    /** A request's definition (defaults filled in) as SHA-256 hex of its JSON, to tell a repeat from another request. */
    static String fingerprint(ScheduleSpec spec) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("name", spec.name());
        ObjectNode group = n.putObject("group");
        group.put("vendor", spec.group().vendor());
        group.set("tags", strings(spec.group().tags()));
        group.set("meterIds", strings(spec.group().meterIds()));
        n.putObject("job").put("kind", spec.job().kind()).set("parameters", spec.job().parameters());
        n.put("everySeconds", spec.everySeconds());
        n.put("cron", spec.cron());
        n.put("timeZone", spec.timeZone());
        n.put("enabled", spec.enabled());
        return Sha256.hex(n.toString());
    }

    private static JsonNode strings(List<String> values) {
        if (values == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        ArrayNode a = JsonNodeFactory.instance.arrayNode(values.size());
        values.forEach(a::add);
        return a;
    }

    /** What can be checked without the database: timing and the work's parameters. */
    private JsonNode checkSync(ScheduleSpec spec) {
        if ((spec.everySeconds() == null) == (spec.cron() == null)) {
            throw ProblemException.invalidRequest(spec.cron() == null ? "everySeconds" : "cron",
                    "give either 'everySeconds' or 'cron', not both and not neither");
        }
        timing(spec, Instant.now());
        return works.of(spec.job().kind()).check(spec.job().parameters());
    }

    private static Timing timing(ScheduleSpec spec, Instant now) {
        try {
            if (spec.everySeconds() != null) {
                if (spec.timeZone() != null) {
                    Timing.cron("* * * * *", spec.timeZone(), now); // checks the zone alone
                }
                return new Timing.Every(Duration.ofSeconds(spec.everySeconds()), now);
            }
            return Timing.cron(spec.cron(), spec.zone(), now);
        } catch (Timing.Invalid e) {
            Problem.Type type = "cron".equals(e.field()) ? Problem.Type.INVALID_CRON : Problem.Type.INVALID_FIELD;
            throw new ProblemException(Problem.ofField(type, e.field(), e.getMessage()));
        }
    }
}
