package org.amihes.association.commands;

import gurux.dlms.objects.GXDLMSCaptureObject;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.amihes.contracts.ProfileIntervals;
import org.amihes.contracts.ReadProfile;
import org.amihes.dlms.DlmsSession;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;

/**
 * {@link ReadProfile}: what the meter declares about the profile first (capture objects, attribute 3; capture period,
 * attribute 4; scaler_unit of each captured register), never assumed per vendor, then the buffer by range or by entry
 * (selective access), decoded by {@link ProfileColumns}.
 */
@ApplicationScoped
public class ReadProfileHandler implements CommandHandler<ReadProfile> {

    @Override
    public Class<ReadProfile> commandClass() {
        return ReadProfile.class;
    }

    @Override
    public String operation() {
        return "READ_PROFILE";
    }

    @Override
    public Future<Handled> run(JobContext context, ReadProfile command) {
        DlmsSession session = context.session();
        GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(command.profile());
        return session.read(pg, 3)
                .compose(v -> session.read(pg, 4))
                .compose(v -> ProfileColumns.of(session, pg))
                .compose(columns -> rows(session, pg, command).map(rows -> {
                    ProfileColumns.Decoded decoded = columns.decode(rows, pg.getCapturePeriod(), command.from(),
                            command.to(), session);
                    ProfileIntervals outcome = new ProfileIntervals(command.profile(), pg.getCapturePeriod(),
                            columns.channels(), decoded.intervals());
                    Instant first = outcome.intervals().isEmpty() ? null : outcome.intervals().get(0).capturedAt();
                    Instant last = outcome.intervals().isEmpty() ? null
                            : outcome.intervals().get(outcome.intervals().size() - 1).capturedAt();
                    return new Handled(outcome, Map.of("profile", command.profile(),
                            "capturePeriodSeconds", pg.getCapturePeriod(),
                            "channels", columns.channels().stream().map(c -> c.name() + " " + c.unit()).toList(),
                            "intervals", outcome.intervals().size(),
                            "first", first == null ? "" : first.toString(), "last", last == null ? "" : last.toString()),
                            decoded.warnings());
                }));
    }

    private static Future<List<Object[]>> rows(DlmsSession session, GXDLMSProfileGeneric pg, ReadProfile command) {
        if (command.from() == null) {
            return session.readRowsByEntry(pg, command.firstEntry(), command.entries());
        }
        List<Map.Entry<GXDLMSObject, GXDLMSCaptureObject>> captured = pg.getCaptureObjects();
        if (captured.isEmpty() || captured.get(0).getKey().getObjectType().getValue() != 8) {
            throw new DlmsException(FailureCode.UNEXPECTED_VALUE, command.profile() + " does not capture the clock "
                    + "first (" + (captured.isEmpty() ? "no capture objects" : captured.get(0).getKey().getLogicalName())
                    + "): its buffer cannot be read by range", session.exchange(), null);
        }
        // the API's range is [from, to); selective access by range is inclusive at both ends, to the second
        return session.readRowsByRange(pg, command.from(), command.to().minusSeconds(1));
    }
}
