package org.amihes.firmware.rest;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.security.Roles;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.amihes.firmware.domain.ImageMetadata;
import org.amihes.service.digest.Sha256;
import org.amihes.firmware.messaging.FirmwareEvents;
import org.amihes.firmware.persistence.ImageStore;
import org.amihes.firmware.persistence.ImageStore.Registration;
import org.amihes.service.rest.Problem;
import org.amihes.service.rest.ProblemException;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

@Path("/images")
@Produces(MediaType.APPLICATION_JSON)
public class ImageResource {

    @Inject
    ImageStore store;

    @Inject
    FirmwareEvents events;

    @Inject
    Vertx vertx;

    /** Uploads an image. Same bytes again: 200 with the stored image, nothing new is stored or announced. */
    @RolesAllowed(Roles.FIRMWARE_MANAGER)
    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    public Uni<Response> upload(@RestQuery @NotBlank @Size(max = 255) String identifier,
            @RestQuery @NotBlank @Size(max = 64) String version,
            @RestQuery @NotBlank @Pattern(regexp = "[A-Z]{3}", message = "must be the manufacturer's 3-letter FLAG id (upper case), e.g. AUR") String vendor,
            @RestQuery @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "must be the registry's device type (1-64 letters, digits, '.', '_' or '-'), e.g. aurora-ax1") String model,
            byte[] content) {
        return register(identifier, version, vendor, model, content).flatMap(this::answer);
    }

    /** Checks, hashes and stores an image (the same bytes under the same names again: the stored image). */
    public Uni<Registration> register(String identifier, String version, String vendor, String model, byte[] content) {
        if (content == null || content.length == 0) {
            return Uni.createFrom().failure(new ProblemException(Problem.of(Problem.Type.MISSING_BODY,
                    "the request body (the image bytes) is empty", List.of(new Problem.FieldError("$", "no image bytes")))));
        }
        // hashing megabytes is CPU work: keep it off the event loop (unordered: uploads hash in parallel);
        // the result comes back on this request's context, where Hibernate Reactive must run
        return vertx.executeBlocking(() -> Sha256.hex(content), false)
                .flatMap(sha256 -> store.register(identifier, version, vendor, model, content, sha256));
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    public Uni<List<ImageResponse>> list(@RestQuery String identifier) {
        return store.list(identifier).map(images -> images.stream().map(ImageResponse::of).toList());
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{id}")
    public Uni<ImageResponse> get(@RestPath String id) {
        return store.find(parse(id)).map(image -> ImageResponse.of(found(image, id)));
    }

    @RolesAllowed(Roles.FIRMWARE_MANAGER)
    @GET
    @Path("/{id}/content")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Uni<byte[]> content(@RestPath String id) {
        return store.content(parse(id)).map(bytes -> found(bytes, id));
    }

    private Uni<Response> answer(Registration registration) {
        return switch (registration.verdict()) {
            case CONFLICT -> Uni.createFrom().failure(
                    ProblemException.conflict("version", registration.conflictDetail()));
            case ALREADY_REGISTERED -> Uni.createFrom().item(Response.ok(ImageResponse.of(registration.image())).build());
            // its ImageRegistered was committed with it (outbox): publish it now
            case NEW -> {
                events.committed();
                yield Uni.createFrom().item(Response.created(URI.create("images/" + registration.image().id()))
                        .entity(ImageResponse.of(registration.image())).build());
            }
        };
    }

    /** A malformed id cannot name an image, so it is answered like an unknown one. */
    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound(id);
        }
    }

    private static <T> T found(T value, String id) {
        if (value == null) {
            throw notFound(id);
        }
        return value;
    }

    private static ProblemException notFound(String id) {
        return ProblemException.notFound("id", "firmware image '" + id + "' not found");
    }
}
