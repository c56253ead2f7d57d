package org.amihes.security.rest;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.groups.ConvertGroup;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.amihes.security.domain.ProfileChange;
import org.amihes.security.domain.ProfileConsistency;
import org.amihes.security.domain.SecurityProfile;
import org.amihes.security.messaging.SecurityEvents;
import org.amihes.security.persistence.SecurityProfileStore;
import org.amihes.security.persistence.SecurityProfileStore.Decision;
import org.amihes.security.persistence.SecurityProfileStore.Saved;
import org.amihes.service.rest.ProblemException;
import org.jboss.resteasy.reactive.RestPath;

@Path("/security-profiles")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SecurityProfileResource {

    @Inject
    SecurityProfileStore store;

    @Inject
    SecurityEvents events;

    @Inject
    org.amihes.security.keys.KeysConfig keys;

    /** Creates a profile; repeating an identical create answers 200, a different one under the same name 409. */
    @RolesAllowed(Roles.SECURITY_OFFICER)
    @POST
    public Uni<Response> create(@NotNull @Valid @ConvertGroup(to = SecurityProfileRequest.OnCreate.class)
            SecurityProfileRequest request) {
        return write(request.toProfile(request.name()), ProfileChange::onCreate);
    }

    /** Sets a profile to exactly these settings, creating it if needed; repeating it changes nothing. */
    @RolesAllowed(Roles.SECURITY_OFFICER)
    @PUT
    @Path("/{name}")
    public Uni<Response> put(@RestPath @Pattern(regexp = SecurityProfileRequest.NAME) String name,
            @NotNull @Valid SecurityProfileRequest request) {
        if (request.name() != null && !request.name().equals(name)) {
            throw ProblemException.invalidRequest("name", "'" + request.name() + "' in the body differs from '" + name
                    + "' in the path; a profile cannot be renamed");
        }
        return write(request.toProfile(name), ProfileChange::onPut);
    }

    /** Body of {@code POST /security-profiles/import}: each profile as a PUT body with its name. */
    public record ProfileImport(@NotNull @jakarta.validation.constraints.Size(min = 1, max = 10_000)
                                List<@NotNull @Valid @ConvertGroup(to = SecurityProfileRequest.OnCreate.class)
                                        SecurityProfileRequest> profiles) {
    }

    /** What an import did, per profile: created, updated (a PUT of other settings), unchanged. */
    public record ImportSummary(int created, int updated, int unchanged) {
    }

    /**
     * Sets every profile of the file as {@code PUT /security-profiles/{name}} does (a file of profiles, e.g. the meter
     * simulator's {@code --security-profiles-out}); all are checked, then stored in one statement and transaction;
     * repeating it changes nothing. Changes are announced after the commit (profile.changed).
     */
    @RolesAllowed(Roles.SECURITY_OFFICER)
    @POST
    @Path("/import")
    public Uni<ImportSummary> importProfiles(@NotNull @Valid ProfileImport body) {
        java.util.Set<String> names = new java.util.HashSet<>();
        List<SecurityProfile> profiles = new java.util.ArrayList<>();
        for (int i = 0; i < body.profiles().size(); i++) {
            SecurityProfileRequest r = body.profiles().get(i);
            if (!names.add(r.name())) {
                throw ProblemException.invalidRequest("profiles[" + i + "].name", "profile '" + r.name()
                        + "' is listed twice");
            }
            SecurityProfile p = r.toProfile(r.name());
            check(p, "profiles[" + i + "].");
            profiles.add(p);
        }
        // the events were committed with the profiles (outbox): publish them now
        return store.putAll(profiles).map(bulk -> {
            events.committed();
            return new ImportSummary(bulk.created().size(), bulk.updated().size(), bulk.unchanged());
        });
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    public Uni<List<SecurityProfileResponse>> list() {
        return store.list().map(list -> list.stream().map(SecurityProfileResponse::of).toList());
    }

    @RolesAllowed(Roles.VIEWER)
    @GET
    @Path("/{name}")
    public Uni<SecurityProfileResponse> get(@RestPath String name) {
        return store.find(name).map(stored -> {
            if (stored == null) {
                throw ProblemException.notFound("name", "security profile '" + name + "' not found");
            }
            return SecurityProfileResponse.of(stored);
        });
    }

    private Uni<Response> write(SecurityProfile requested, Decision decision) {
        check(requested, "");
        return store.save(requested, decision).flatMap(this::answer);
    }

    /** What a profile must be before it is stored; {@code at} prefixes the field names (an import's record). */
    private void check(SecurityProfile requested, String at) {
        ProfileConsistency.violation(requested).ifPresent(reason -> {
            throw ProblemException.invalidRequest(at + (requested.authentication()
                    == org.amihes.security.domain.Authentication.HIGH_ECDSA ? "securitySuite" : "securityPolicy"), reason);
        });
        if (requested.securitySuite() < keys.minimumSuite()) {
            throw ProblemException.invalidField(at + "securitySuite", "suite " + requested.securitySuite()
                    + " is below the minimum suite " + keys.minimumSuite() + " this head-end allows (hes.keys.minimum-suite)");
        }
    }

    private Uni<Response> answer(Saved saved) {
        SecurityProfileResponse body = SecurityProfileResponse.of(saved.profile());
        return switch (saved.change()) {
            case CONFLICT -> Uni.createFrom().failure(ProblemException.conflict("name", "security profile '" + body.name()
                    + "' already exists with different settings (version " + body.version()
                    + "); use PUT /security-profiles/" + body.name() + " to change it"));
            case UNCHANGED -> Uni.createFrom().item(Response.ok(body).build());
            // their events were committed with them (outbox): publish now
            case UPDATED -> {
                events.committed();
                yield Uni.createFrom().item(Response.ok(body).build());
            }
            case CREATED -> {
                events.committed();
                yield Uni.createFrom().item(Response.created(URI.create("security-profiles/" + body.name())).entity(body).build());
            }
        };
    }
}
