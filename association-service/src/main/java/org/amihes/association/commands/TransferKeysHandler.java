package org.amihes.association.commands;

import gurux.dlms.objects.GXDLMSAssociationLogicalName;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.amihes.contracts.KeysInstalled;
import org.amihes.contracts.TransferKeys;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;

/**
 * {@link TransferKeys}: security setup method 2 with the keys as security-service wrapped them under the meter's KEK.
 * The security setup is the profile's, else the one the current association references (attribute 9). Repeating it
 * (a redelivered job, the meter already on the new keys) installs the same keys again: harmless.
 */
@ApplicationScoped
public class TransferKeysHandler implements CommandHandler<TransferKeys> {

    static final String CURRENT_ASSOCIATION = "0.0.40.0.0.255";

    @Override
    public Class<TransferKeys> commandClass() {
        return TransferKeys.class;
    }

    @Override
    public String operation() {
        return "KEY_TRANSFER";
    }

    @Override
    public Future<Handled> run(JobContext context, TransferKeys command) {
        List<Map.Entry<Integer, byte[]>> keys = command.keys().stream()
                .map(k -> Map.entry(keyType(k.keyType()), Base64.getDecoder().decode(k.wrapped()))).toList();
        return securitySetup(context).compose(setup -> context.session().transferWrappedKeys(setup, keys)
                .map(v -> new Handled(new KeysInstalled(command.version(), context.keyVersion()),
                        Map.of("version", command.version(), "keys", command.keys().stream().map(k -> k.keyType()).toList(),
                                "securitySetup", setup, "usedVersion", context.keyVersion()), List.of())));
    }

    static int keyType(String name) {
        return switch (name) {
            case "UNICAST_ENCRYPTION" -> 0;
            case "BROADCAST_ENCRYPTION" -> 1;
            case "AUTHENTICATION" -> 2;
            case "MASTER_KEY" -> 3;
            default -> throw new IllegalArgumentException("unknown global key type " + name);
        };
    }

    private static Future<String> securitySetup(JobContext context) {
        if (context.securityObjects().securitySetup() != null) {
            return Future.succeededFuture(context.securityObjects().securitySetup());
        }
        return context.session().read(new GXDLMSAssociationLogicalName(CURRENT_ASSOCIATION), 9).map(reference -> {
            if (reference instanceof byte[] ln && ln.length == 6) {
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < 6; i++) {
                    out.append(i == 0 ? "" : ".").append(ln[i] & 0xFF);
                }
                return out.toString();
            }
            throw new DlmsException(FailureCode.UNEXPECTED_VALUE, "the current association names no security setup "
                    + "(attribute 9 is " + reference + "): set securitySetup in the meter's security profile",
                    context.session().exchange(), null);
        });
    }
}
