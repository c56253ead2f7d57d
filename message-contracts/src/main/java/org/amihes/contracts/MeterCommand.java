package org.amihes.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a {@link MeterJob} asks a meter to do: one command object per operation, each turned into DLMS operations by
 * one handler in association-service. On the wire a command is a JSON object with its {@code type} (e.g.
 * {@code {"type": "read-registers", "registers": [...]}}). Adding a command is a record here, its outcome in
 * {@link CommandOutcome}, and a handler: no new queue, consumer, publisher or executor.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = ReadRegisters.class, name = ReadRegisters.TYPE),
        @JsonSubTypes.Type(value = TransferKeys.class, name = TransferKeys.TYPE),
        @JsonSubTypes.Type(value = ConfirmKeys.class, name = ConfirmKeys.TYPE),
        @JsonSubTypes.Type(value = Disconnect.class, name = Disconnect.TYPE),
        @JsonSubTypes.Type(value = Reconnect.class, name = Reconnect.TYPE),
        @JsonSubTypes.Type(value = SyncClock.class, name = SyncClock.TYPE),
        @JsonSubTypes.Type(value = WriteTariff.class, name = WriteTariff.TYPE),
        @JsonSubTypes.Type(value = ReadFirmware.class, name = ReadFirmware.TYPE),
        @JsonSubTypes.Type(value = TransferImage.class, name = TransferImage.TYPE),
        @JsonSubTypes.Type(value = VerifyImage.class, name = VerifyImage.TYPE),
        @JsonSubTypes.Type(value = ActivateImage.class, name = ActivateImage.TYPE),
        @JsonSubTypes.Type(value = ReadProfile.class, name = ReadProfile.TYPE),
        @JsonSubTypes.Type(value = InteropProbe.class, name = InteropProbe.TYPE)})
public sealed interface MeterCommand permits ReadRegisters, TransferKeys, ConfirmKeys, Disconnect, Reconnect, SyncClock,
        WriteTariff, ReadFirmware, TransferImage, VerifyImage, ActivateImage, ReadProfile, InteropProbe {

    /** The command's type name, as on the wire; results travel under routing key {@code result.<type>}. */
    String commandType();

    /**
     * The key version the association must use, null for the meter's ACTIVE keys (falling back to a PENDING version
     * the meter may already use).
     */
    default Integer keyVersion() {
        return null;
    }
}
