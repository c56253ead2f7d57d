package org.amihes.firmware.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.amihes.firmware.domain.ImageMetadata;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

/** Publishes firmware events; the channel is bound to the exchange in application.properties. */
@ApplicationScoped
public class FirmwareEvents {

    private static final Logger LOG = Logger.getLogger(FirmwareEvents.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);

    @Inject
    @Channel("image-registered")
    MutinyEmitter<ImageRegistered> imageRegistered;

    /**
     * Called after the image is committed. A lost event must not turn a stored image into a failed upload (the
     * client's retry would find the image and not announce it either), so a failure is logged, not propagated.
     */
    public Uni<Void> imageRegistered(ImageMetadata image) {
        ImageRegistered event = new ImageRegistered(image.id(), image.identifier(), image.version(), image.size(),
                image.sha256());
        return imageRegistered.send(event)
                .ifNoItem().after(SEND_TIMEOUT).fail()
                .onFailure().recoverWithItem(failure -> {
                    LOG.errorf(failure, "image %s stored but ImageRegistered not published", image.id());
                    return null;
                });
    }
}
