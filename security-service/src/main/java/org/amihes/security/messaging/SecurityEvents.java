package org.amihes.security.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.amihes.security.domain.SecurityProfile;
import org.amihes.security.domain.VersionedProfile;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

/** Publishes security events; the channel is bound to the exchange in application.properties. */
@ApplicationScoped
public class SecurityEvents {

    private static final Logger LOG = Logger.getLogger(SecurityEvents.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);

    @Inject
    @Channel("profile-changed")
    MutinyEmitter<SecurityProfileChanged> profileChanged;

    /**
     * Called after the change is committed. The change stands even if the broker does not take the event, so the
     * failure is logged rather than turned into a failed request the client could not usefully retry.
     */
    public Uni<Void> profileChanged(VersionedProfile stored) {
        SecurityProfile p = stored.profile();
        SecurityProfileChanged event = new SecurityProfileChanged(p.name(), p.securitySuite(), p.authentication(),
                p.securityPolicy(), p.clientAddress(), p.securitySetup(), p.frameCounter(), stored.version());
        return profileChanged.send(event)
                .ifNoItem().after(SEND_TIMEOUT).fail()
                .onFailure().recoverWithItem(failure -> {
                    LOG.errorf(failure, "profile '%s' version %d stored but SecurityProfileChanged not published",
                            p.name(), stored.version());
                    return null;
                });
    }
}
