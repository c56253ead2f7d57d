package org.amihes.firmware.campaign;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.amihes.service.rest.IdempotencyKey;
import org.amihes.firmware.domain.ImageMetadata;
import org.amihes.service.digest.Sha256;
import org.amihes.service.registry.MeterGroup;
import org.amihes.service.rest.ProblemException;

/** The campaign use cases: create (idempotent by key), pause, resume, cancel. Blocking (JDBC): call off event loops. */
@ApplicationScoped
public class Campaigns {

    private final CampaignStore store;
    private final ImageCatalog images;
    private final CampaignEngine engine;

    public Campaigns(CampaignStore store, ImageCatalog images, CampaignEngine engine) {
        this.store = store;
        this.images = images;
        this.engine = engine;
    }

    /** What to create: the image and its meters (ids, or a filter on the registry view). */
    public record Spec(UUID imageId, MeterGroup group, int concurrency, int batchSize, LocalTime windowStart,
                       LocalTime windowEnd, boolean oneShot) {
    }

    public CampaignStore.Created create(Spec spec, String idempotencyKey, String actor) throws SQLException {
        ImageMetadata image = images.find(spec.imageId());
        if (image == null) {
            throw ProblemException.invalidField("imageId", "no firmware image '" + spec.imageId() + "'");
        }
        MeterGroup group = spec.group();
        String shape = group.shapeProblem();
        if (shape != null) {
            throw ProblemException.invalidRequest("group", shape);
        }
        if (group.vendor() != null && !group.vendor().equals(image.model())) {
            throw ProblemException.invalidRequest("group.vendor", "the image is for model '" + image.model()
                    + "', not '" + group.vendor() + "': an image is never sent to another device type");
        }
        if (group.explicit() && group.meterIds().isEmpty()) {
            throw ProblemException.invalidRequest("group.meterIds", "lists no meter: a campaign needs at least one");
        }
        if (group.explicit()) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < group.meterIds().size(); i++) {
                if (!seen.add(group.meterIds().get(i))) {
                    throw ProblemException.invalidRequest("meterIds[" + i + "]", "meter '" + group.meterIds().get(i)
                            + "' is listed twice");
                }
            }
        }
        String digest = Sha256.hex((spec.toString()).getBytes(StandardCharsets.UTF_8));
        Campaign c = new Campaign(UUID.randomUUID(), image.id(), "RUNNING", spec.oneShot(), spec.concurrency(),
                spec.batchSize(), spec.windowStart(), spec.windowEnd(), actor,
                Instant.now().truncatedTo(ChronoUnit.MICROS), null);
        CampaignStore.Created created = store.create(c, idempotencyKey, digest, image.model(), group);
        if (created.repeated() && !created.requestDigest().equals(digest)) {
            throw IdempotencyKey.reused(idempotencyKey, "campaign " + created.campaign().id());
        }
        if (!created.repeated()) {
            engine.nudge();
        }
        return created;
    }

    public Campaign pause(UUID id, String actor) throws SQLException {
        return change(id, List.of("RUNNING"), "PAUSED", actor);
    }

    public Campaign resume(UUID id, String actor) throws SQLException {
        return change(id, List.of("PAUSED"), "RUNNING", actor);
    }

    public Campaign cancel(UUID id, String actor) throws SQLException {
        return change(id, List.of("RUNNING", "PAUSED"), "CANCELLED", actor);
    }

    private Campaign change(UUID id, List<String> from, String to, String actor) throws SQLException {
        Campaign c = get(id);
        if (!store.setState(id, from, to, actor == null ? "anonymous" : actor)) {
            Campaign now = get(id);
            if (now.state().equals(to)) {
                return now; // a repeat: already there
            }
            throw ProblemException.conflict("state", "campaign " + id + " is " + now.state() + ": it cannot become " + to);
        }
        engine.nudge();
        return get(c.id());
    }

    public Campaign get(UUID id) throws SQLException {
        return store.campaign(id).orElseThrow(() -> ProblemException.notFound("campaignId", "no campaign '" + id + "'"));
    }
}
