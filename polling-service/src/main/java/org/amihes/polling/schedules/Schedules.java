package org.amihes.polling.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.amihes.service.rest.Problem;
import org.amihes.service.rest.ProblemException;

/**
 * Writing schedules: a request is checked whole (timing, work parameters, group against the registry view) before
 * anything is stored; a bad one stores nothing. The first fire is the first due time after now.
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

    public Uni<ScheduleView> create(ScheduleSpec spec) {
        JsonNode parameters = checkSync(spec);
        UUID id = UUID.randomUUID();
        return groups.check(spec.group()).chain(() -> store.now(store.pool())).chain(now -> {
            Instant next = timing(spec, now).nextAfter(now);
            return store.insert(id, spec, parameters, next, now);
        }).chain(() -> view(id)).map(Optional::orElseThrow);
    }

    public Uni<Optional<ScheduleView>> update(UUID id, ScheduleSpec spec) {
        JsonNode parameters = checkSync(spec);
        return groups.check(spec.group()).chain(() -> store.now(store.pool())).chain(now -> {
            Instant next = timing(spec, now).nextAfter(now);
            return store.update(id, spec, parameters, next, now);
        }).chain(updated -> updated ? view(id) : Uni.createFrom().item(Optional.empty()));
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
