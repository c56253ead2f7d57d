package org.amihes.association.commands;

import gurux.dlms.enums.DataType;
import gurux.dlms.objects.GXDLMSDisconnectControl;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import org.amihes.contracts.RelayState;
import org.amihes.dlms.DlmsSession;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;

/**
 * The disconnect control (class 70, 0.0.96.3.10.255) as the relay commands use it: read control_state, invoke the
 * method only when the meter is not where the command wants it, read again. Idempotent on the meter, whatever the
 * broker or the client repeats.
 */
final class RelayCommands {

    static final String DISCONNECT_CONTROL = "0.0.96.3.10.255";
    static final int REMOTE_DISCONNECT = 1;
    static final int REMOTE_RECONNECT = 2;

    private RelayCommands() {
    }

    /**
     * @param method       the method to invoke when needed
     * @param alreadyThere control states in which the command has nothing to do
     */
    static Future<CommandHandler.Handled> apply(DlmsSession session, int method, List<Integer> alreadyThere) {
        GXDLMSDisconnectControl control = new GXDLMSDisconnectControl(DISCONNECT_CONTROL);
        return state(session, control).compose(before -> {
            if (alreadyThere.contains(before)) {
                return output(session, control).map(output -> handled(before, before, output, false));
            }
            return session.invoke(control, method, 0, DataType.INT8)
                    .compose(v -> state(session, control))
                    .compose(after -> output(session, control).map(output -> handled(before, after, output, true)));
        });
    }

    private static CommandHandler.Handled handled(int before, int after, boolean output, boolean written) {
        return new CommandHandler.Handled(new RelayState(before, after, output, written),
                Map.of("controlStateBefore", before, "controlStateAfter", after, "outputState", output,
                        "written", written), List.of());
    }

    private static Future<Integer> state(DlmsSession session, GXDLMSDisconnectControl control) {
        return session.read(control, 3).map(v -> {
            if (v instanceof Number n) {
                return n.intValue();
            }
            if (v instanceof Enum<?> e) {
                return e.ordinal();
            }
            throw new DlmsException(FailureCode.UNEXPECTED_VALUE, DISCONNECT_CONTROL + " control_state is " + v
                    + ", not an enum", session.exchange(), null);
        });
    }

    private static Future<Boolean> output(DlmsSession session, GXDLMSDisconnectControl control) {
        return session.read(control, 2).map(v -> Boolean.TRUE.equals(v));
    }
}
