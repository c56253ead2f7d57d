package org.amihes.association.commands;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import org.amihes.contracts.ImageStatus;
import org.amihes.dlms.DlmsSession;

/** A parameterless image transfer method (verify, activate) followed by image_transfer_status. */
final class ImageMethods {

    private ImageMethods() {
    }

    static Future<CommandHandler.Handled> invokeThenStatus(DlmsSession session, int method, String identifier) {
        var it = ImageTransferObjects.imageTransfer();
        return session.invoke(it, method, null, null)
                .compose(v -> ImageTransferObjects.status(session))
                .map(status -> new CommandHandler.Handled(new ImageStatus(status),
                        Map.of("identifier", identifier, "imageTransferStatus", status), List.of()));
    }
}
