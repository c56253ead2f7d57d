package org.amihes.association.commands;

import gurux.dlms.objects.GXDLMSData;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amihes.contracts.FirmwareState;
import org.amihes.contracts.ReadFirmware;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;

/** {@link ReadFirmware}: the installed identifier, the logical device name and the image transfer object's state. */
@ApplicationScoped
public class ReadFirmwareHandler implements CommandHandler<ReadFirmware> {

    @Override
    public Class<ReadFirmware> commandClass() {
        return ReadFirmware.class;
    }

    @Override
    public String operation() {
        return "FIRMWARE_READ";
    }

    @Override
    public Future<Handled> run(JobContext context, ReadFirmware command) {
        var session = context.session();
        var it = ImageTransferObjects.imageTransfer();
        return session.read(new GXDLMSData(ImageTransferObjects.ACTIVE_FIRMWARE), 2).compose(installed -> {
            if (installed == null) {
                throw new DlmsException(FailureCode.NULL_VALUE, ImageTransferObjects.ACTIVE_FIRMWARE
                        + " (active firmware identifier) returned no value", session.exchange(), null);
            }
            return session.read(new GXDLMSData(ImageTransferObjects.LOGICAL_DEVICE_NAME), 2)
                    .recover(e -> Future.succeededFuture(null)) // optional: a meter without it still reports a version
                    .compose(ldn -> session.read(it, ImageTransferObjects.BLOCK_SIZE)
                            .compose(bs -> session.read(it, ImageTransferObjects.TRANSFER_STATUS)
                                    .compose(st -> session.read(it, ImageTransferObjects.FIRST_NOT_TRANSFERRED)
                                            .map(first -> handled(new FirmwareState(ImageTransferObjects.ascii(installed),
                                                    ImageTransferObjects.ascii(ldn), ImageTransferObjects.intOf(bs),
                                                    ImageTransferObjects.intOf(st), ImageTransferObjects.longOf(first)))))));
        });
    }

    private static Handled handled(FirmwareState state) {
        Map<String, Object> audit = new LinkedHashMap<>();
        audit.put("installed", state.installed());
        audit.put("logicalDeviceName", state.logicalDeviceName() == null ? "" : state.logicalDeviceName());
        audit.put("imageBlockSize", state.blockSize());
        audit.put("imageTransferStatus", state.transferStatus());
        audit.put("firstNotTransferredBlock", state.firstNotTransferred());
        return new Handled(state, audit, List.of());
    }
}
