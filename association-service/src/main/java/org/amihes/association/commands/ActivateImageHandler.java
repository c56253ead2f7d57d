package org.amihes.association.commands;

import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import org.amihes.contracts.ActivateImage;

/** {@link ActivateImage}: image_activate, then image_transfer_status. The meter never activates its installed image. */
@ApplicationScoped
public class ActivateImageHandler implements CommandHandler<ActivateImage> {

    @Override
    public Class<ActivateImage> commandClass() {
        return ActivateImage.class;
    }

    @Override
    public String operation() {
        return "IMAGE_ACTIVATE";
    }

    @Override
    public Future<Handled> run(JobContext context, ActivateImage command) {
        return ImageMethods.invokeThenStatus(context.session(), ImageTransferObjects.ACTIVATE, command.identifier());
    }
}
