package org.amihes.firmware.rest;

import jakarta.annotation.security.RolesAllowed;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.amihes.service.registry.MeterGroup;
import org.amihes.service.rest.QueryParams;
import org.amihes.service.security.Actor;
import org.amihes.service.security.Roles;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.amihes.firmware.campaign.CampaignStore;
import org.amihes.firmware.campaign.Campaigns;
import org.amihes.firmware.campaign.MeterRow;
import org.amihes.firmware.persistence.ImageStore;
import org.amihes.service.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The field manual's one-shot push: the image's bytes posted for one meter are stored (the same bytes again: the
 * stored image) and sent to the meter as a campaign of one, which does not skip a meter already on the image: its
 * bootloader is asked and refuses, so the answer to a repeat is the meter's own refusal (409, FW-003) and no flash
 * write. With {@code wait} (seconds) the answer comes once the meter is finished, else 202 with the campaign.
 */
@Path("/meters/{meterId}/firmware")
public class MeterFirmwareResource {

    @Inject
    ImageResource images;

    @Inject
    Campaigns campaigns;

    @Inject
    CampaignStore store;

    /** who asks, from the token (an X-Actor header is ignored) */
    @Inject
    Actor actor;

    /** The one-shot's answer: the campaign and its one meter. */
    public record OneShot(UUID campaignId, ImageResponse image, MeterProgress meter) {
    }

    @RolesAllowed(Roles.FIRMWARE_MANAGER)
    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Push an image to one meter: transferred and activated; a meter already on it is refused by "
            + "its bootloader (409, nothing written)")
    public Uni<Response> push(@RestPath @Pattern(regexp = MeterGroup.ID, message = MeterGroup.ID_MESSAGE) String meterId,
            @RestQuery @NotBlank @Size(max = 255) String identifier,
            @RestQuery @NotBlank @Size(max = 64) String version,
            @RestQuery @NotBlank @Pattern(regexp = "[A-Z]{3}", message = "must be the manufacturer's 3-letter FLAG id (upper case), e.g. AUR") String vendor,
            @RestQuery @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "must be the registry's device type, e.g. aurora-ax1") String model,
            @RestQuery("wait") @Parameter(description = "seconds to wait for the meter's result, 0 to 600, default 0", schema = @org.eclipse.microprofile.openapi.annotations.media.Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER, minimum = "0", maximum = "600", defaultValue = "0")) String waitParam,
            byte[] content) {
        // read by hand, before anything is stored: JAX-RS answers an int parameter that does not parse with 404
        int wait = QueryParams.intParam("wait", waitParam, 0, 0, 600);
        String requestedBy = actor.name(); // on the request's thread, before the work moves to a worker
        return images.register(identifier, version, vendor, model, content).flatMap(registration -> {
            if (registration.verdict() == org.amihes.firmware.domain.ImageRegistration.Verdict.CONFLICT) {
                return Uni.createFrom().failure(ProblemException.conflict("version", registration.conflictDetail()));
            }
            ImageResponse image = ImageResponse.of(registration.image());
            return blocking(() -> campaigns.create(new Campaigns.Spec(image.id(), org.amihes.service.registry.MeterGroup.of(List.of(meterId)), 1, 1, null,
                    null, true), null, requestedBy).campaign().id())
                    .flatMap(campaign -> finished(campaign, meterId, wait)
                            .map(row -> answer(campaign, image, row)));
        });
    }

    private Uni<MeterRow> finished(UUID campaign, String meterId, int waitSeconds) {
        Uni<MeterRow> now = blocking(() -> row(campaign, meterId));
        if (waitSeconds == 0) {
            return now;
        }
        return Multi.createFrom().ticks().every(Duration.ofMillis(200))
                .onItem().transformToUniAndConcatenate(t -> blocking(() -> row(campaign, meterId)))
                .select().where(r -> r.state().terminal()).toUni() // the first finished state
                .ifNoItem().after(Duration.ofSeconds(waitSeconds)).recoverWithUni(() -> blocking(() -> row(campaign, meterId)));
    }

    private MeterRow row(UUID campaign, String meterId) throws SQLException {
        return store.meter(campaign, meterId).orElseThrow(() -> new IllegalStateException("campaign " + campaign + " lost its meter"));
    }

    private static Response answer(UUID campaign, ImageResponse image, MeterRow row) {
        OneShot body = new OneShot(campaign, image, MeterProgress.of(row));
        return switch (row.state()) {
            case REFUSED -> throw ProblemException.conflict("image", row.message() + " (campaign " + campaign + ")");
            case DONE, FAILED, SKIPPED, CANCELLED -> Response.ok(body).build();
            default -> Response.accepted(body).build();
        };
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    private static <T> Uni<T> blocking(Work<T> work) {
        return Uni.createFrom().item(() -> {
            try {
                return work.run();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
