package org.amihes.association.push;

import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.amihes.association.MeterSessions;
import org.amihes.association.domain.Meter;
import org.amihes.association.domain.MeterDirectory;
import org.amihes.dlms.PushDecoder;

/**
 * Who may have sent a push. A ciphered push that carries its sender's system title (general-glo- or
 * general-ded-ciphering) is named by that title, wherever it came from (meters behind NAT, or whose address changed):
 * the meter it was last identified as, else the registered meters whose keys carry the title (security-service; the
 * meter at the push's source address first when it is one of them, then the most recently delivered). The one whose
 * keys decipher the push is the sender ({@link PushIntake}), and is remembered. Any other push is named by its source
 * address: host and the frame's source address (the meter's logical device).
 */
@ApplicationScoped
public class PushSenders {

    private final MeterDirectory directory;
    private final MeterSessions sessions;
    /** System title (hex) to the meter a push with it deciphered as. */
    private final Map<String, String> identified = new ConcurrentHashMap<>();

    public PushSenders(MeterDirectory directory, MeterSessions sessions) {
        this.directory = directory;
        this.sessions = sessions;
    }

    /** The registered meters that may have sent a push with this system title, in the order to try; empty: none. */
    public Future<List<Meter>> bySystemTitle(String host, PushDecoder.Envelope envelope) {
        String title = envelope.systemTitleHex();
        String known = identified.get(title);
        if (known != null) {
            Optional<Meter> m = directory.find(known);
            if (m.isPresent()) {
                return Future.succeededFuture(List.of(m.get()));
            }
            identified.remove(title, known); // no longer registered
        }
        List<Meter> atAddress = byAddress(host, envelope);
        return sessions.metersWithSystemTitle(envelope.systemTitle()).map(ids -> {
            List<Meter> candidates = new ArrayList<>(ids.size());
            atAddress.stream().filter(m -> ids.contains(m.meterId())).forEach(candidates::add);
            for (String id : ids) {
                directory.find(id).filter(m -> !candidates.contains(m)).ifPresent(candidates::add);
            }
            return candidates;
        });
    }

    /** A push with this system title deciphered with {@code meter}'s keys: its sender from now on. */
    public void identified(String systemTitleHex, Meter meter) {
        identified.put(systemTitleHex, meter.meterId());
    }

    /**
     * The registered meters at the source address, in id order: the frame's source address is the meter's logical
     * device. One: the sender; none: unknown; several: the address cannot tell them apart.
     */
    public List<Meter> byAddress(String host, PushDecoder.Envelope envelope) {
        int source = envelope.source();
        List<Meter> m = directory.atAddress(host, source);
        if (m.isEmpty() && envelope.framing() == gurux.dlms.enums.InterfaceType.HDLC) {
            // HDLC server addresses of 2 or 4 bytes carry the logical device in their upper part
            m = directory.atAddress(host, source >>> 14);
            if (m.isEmpty()) {
                m = directory.atAddress(host, source >>> 7);
            }
        }
        return m;
    }
}
