package org.amihes.association.commands;

import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import org.amihes.contracts.VerifyImage;

/** {@link VerifyImage}: image_verify, then image_transfer_status. */
@ApplicationScoped
public class VerifyImageHandler implements CommandHandler<VerifyImage> {

    @Override
    public Class<VerifyImage> commandClass() {
        return VerifyImage.class;
    }

    @Override
    public String operation() {
        return "IMAGE_VERIFY";
    }

    @Override
    public Future<Handled> run(JobContext context, VerifyImage command) {
        return ImageMethods.invokeThenStatus(context.session(), ImageTransferObjects.VERIFY, command.identifier());
    }
}
