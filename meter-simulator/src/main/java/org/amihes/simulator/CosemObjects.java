package org.amihes.simulator;

import gurux.dlms.GXDateTime;
import gurux.dlms.GXTime;
import gurux.dlms.ValueEventArgs;
import gurux.dlms.enums.DataType;
import gurux.dlms.enums.Unit;
import gurux.dlms.objects.GXDLMSActivityCalendar;
import gurux.dlms.objects.GXDLMSCaptureObject;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSDayProfile;
import gurux.dlms.objects.GXDLMSDayProfileAction;
import gurux.dlms.objects.GXDLMSDisconnectControl;
import gurux.dlms.objects.GXDLMSExtendedRegister;
import gurux.dlms.objects.GXDLMSImageActivateInfo;
import gurux.dlms.objects.GXDLMSImageTransfer;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import gurux.dlms.objects.GXDLMSRegister;
import gurux.dlms.objects.GXDLMSSeasonProfile;
import gurux.dlms.objects.GXDLMSSecuritySetup;
import gurux.dlms.objects.GXDLMSWeekProfile;
import gurux.dlms.objects.enums.ControlMode;
import gurux.dlms.objects.enums.ControlState;
import gurux.dlms.objects.enums.ImageTransferStatus;
import gurux.dlms.objects.enums.SecurityPolicy;
import gurux.dlms.objects.enums.SecuritySuite;
import gurux.dlms.objects.enums.SortMethod;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

/**
 * The COSEM objects of one meter for one association, and how each is brought up to date from {@link MeterModel}
 * and the meter's {@link MeterState} just before Gurux encodes it. Nothing here is a source of truth: values are
 * recomputed or copied from the shared state on every read.
 */
final class CosemObjects {

    static final String CLOCK = "0.0.1.0.0.255";
    static final String SERIAL_NUMBER = "0.0.96.1.0.255";
    static final String LOGICAL_DEVICE_NAME = "0.0.42.0.0.255";
    static final String FIRMWARE_VERSION = "1.0.0.2.0.255";
    static final String MAX_DEMAND = "1.0.1.6.0.255";
    static final String EVENT_LOG = "0.0.99.98.0.255";
    static final String EVENT_CODE = "0.0.96.11.0.255";
    static final String IMAGE_TRANSFER = "0.0.44.0.0.255";
    static final String DISCONNECT_CONTROL = "0.0.96.3.10.255";
    static final String ACTIVITY_CALENDAR = "0.0.13.0.0.255";
    static final String TARIFF_SCRIPTS = "0.0.10.0.100.255";
    static final String SECURITY_SETUP = "0.0.43.0.0.255";
    static final String INVOCATION_COUNTER = "0.0.43.1.0.255";

    final GXDLMSClock clock = new GXDLMSClock(CLOCK);
    final GXDLMSRegister energy;
    final GXDLMSData serialNumber = new GXDLMSData(SERIAL_NUMBER);
    final GXDLMSData logicalDeviceName = new GXDLMSData(LOGICAL_DEVICE_NAME);
    final GXDLMSData firmwareVersion = new GXDLMSData(FIRMWARE_VERSION);
    final GXDLMSExtendedRegister maxDemand = new GXDLMSExtendedRegister(MAX_DEMAND);
    final GXDLMSProfileGeneric loadProfile;
    final GXDLMSProfileGeneric eventLog = new GXDLMSProfileGeneric(EVENT_LOG);
    final GXDLMSData eventCode = new GXDLMSData(EVENT_CODE);
    final GXDLMSImageTransfer imageTransfer = new GXDLMSImageTransfer(IMAGE_TRANSFER);
    final GXDLMSDisconnectControl disconnectControl = new GXDLMSDisconnectControl(DISCONNECT_CONTROL);
    final GXDLMSActivityCalendar activityCalendar = new GXDLMSActivityCalendar(ACTIVITY_CALENDAR);
    final GXDLMSSecuritySetup securitySetup = new GXDLMSSecuritySetup(SECURITY_SETUP);
    final GXDLMSData invocationCounter = new GXDLMSData(INVOCATION_COUNTER);

    final LoadProfile loadRows;
    final EventLog eventRows;
    private final MeterSpec spec;
    private final VendorProfile profile;
    private final MeterState state;

    CosemObjects(MeterSpec spec, VendorProfile profile, MeterState state) {
        this.spec = spec;
        this.profile = profile;
        this.state = state;
        this.loadRows = new LoadProfile(spec, profile);
        this.eventRows = new EventLog(spec);

        clock.setTimeZone(0);
        clock.setDeviation(0);
        energy = new GXDLMSRegister(profile.energyObis());
        energy.setScaler(Math.pow(10, profile.energyScaler()));
        energy.setUnit(Unit.ACTIVE_ENERGY);
        serialNumber.setValue(spec.serialNumber());
        logicalDeviceName.setValue(profile.manufacturer() + spec.serialNumber());
        firmwareVersion.setDataType(2, DataType.OCTET_STRING);
        maxDemand.setScaler(1);
        maxDemand.setUnit(Unit.ACTIVE_POWER);
        maxDemand.setDataType(2, DataType.UINT32);
        maxDemand.setStatus(0);

        loadProfile = new GXDLMSProfileGeneric(profile.loadProfileObis());
        captures(loadProfile, loadRows, energy);
        eventCode.setDataType(2, DataType.UINT8);
        eventCode.setValue(0);
        captures(eventLog, eventRows, eventCode);

        imageTransfer.setImageBlockSize(state.image.blockSize());
        imageTransfer.setImageTransferEnabled(true);
        calendar(activityCalendar);
        state.calendar.restore(activityCalendar);
        securitySetup.setSecurityPolicy(EnumSet.noneOf(SecurityPolicy.class));
        securitySetup.setSecuritySuite(SecuritySuite.SUITE_0);
        securitySetup.setServerSystemTitle(systemTitle(spec, profile));
        invocationCounter.setDataType(2, DataType.UINT32);
        invocationCounter.setValue(0L);
    }

    /**
     * Puts the vendor profile's suite and policy and the meter's keys into the security setup, suite first (Gurux
     * checks key lengths against it), and the invocation counter the meter last accepted into its Data object
     * (Gurux refuses a lower one and stores each new one there).
     */
    void secure(VendorProfile profile, MeterKeys keys, long lastInvocationCounter) {
        securitySetup.setSecuritySuite(SecuritySuite.forValue(profile.securitySuite()));
        EnumSet<SecurityPolicy> policy = switch (profile.securityPolicy()) {
            // the security setup version 0 policy, as Gurux's server applies it
            case "AUTHENTICATED" -> EnumSet.of(SecurityPolicy.AUTHENTICATED);
            case "ENCRYPTED" -> EnumSet.of(SecurityPolicy.ENCRYPTED);
            case "AUTHENTICATED_ENCRYPTED" -> EnumSet.of(SecurityPolicy.AUTHENTICATED, SecurityPolicy.ENCRYPTED);
            default -> EnumSet.noneOf(SecurityPolicy.class);
        };
        securitySetup.setSecurityPolicy(policy);
        securitySetup.setGuek(keys.blockCipherKey());
        securitySetup.setGak(keys.authenticationKey());
        securitySetup.setKek(keys.masterKey()); // unwraps transferred keys; Gurux copies it to the server on assignment
        securitySetup.setClientSystemTitle(MeterKeys.HEAD_END_SYSTEM_TITLE);
        invocationCounter.setValue(lastInvocationCounter);
    }

    List<GXDLMSObject> all() {
        return List.of(clock, energy, serialNumber, logicalDeviceName, firmwareVersion, maxDemand, loadProfile,
                eventLog, eventCode, imageTransfer, disconnectControl, activityCalendar, securitySetup,
                invocationCounter);
    }

    /**
     * Capture periods are set only after Gurux's initialize(): with a period it would start a capture thread per
     * profile and connection. Rows are computed on demand instead ({@link ProfileReads}).
     */
    void afterInitialize() {
        loadProfile.setCapturePeriod(profile.loadProfileCaptureSeconds());
    }

    /** The computed buffer behind a profile generic, null for any other object. */
    ProfileRows rowsOf(GXDLMSObject target) {
        return target == loadProfile ? loadRows : target == eventLog ? eventRows : null;
    }

    /** Copies the current value of the attribute being read into the Gurux object. */
    void refresh(ValueEventArgs e, Instant now) {
        GXDLMSObject target = e.getTarget();
        int index = e.getIndex();
        if (target == energy && index == 2) {
            energy.setValue(profile.energyRegisterNull() ? null
                    : MeterModel.energyRaw(spec, profile, now).longValueExact());
        } else if (target == clock && index == 2) {
            clock.setTime(CosemTime.of(now.plus(state.clockOffset())));
        } else if (target == maxDemand) {
            maxDemand.setValue(MeterModel.maxDemandW(spec));
            maxDemand.setCaptureTime(CosemTime.of(MeterModel.maxDemandTime(spec, now)));
        } else if (target == firmwareVersion) {
            firmwareVersion.setValue(state.image.installed());
        } else if (target == imageTransfer) {
            refreshImageTransfer();
        } else if (target == disconnectControl) {
            int controlState = state.disconnect.controlState();
            disconnectControl.setControlState(ControlState.values()[controlState]);
            disconnectControl.setOutputState(controlState == DisconnectState.CONNECTED);
            disconnectControl.setControlMode(ControlMode.values()[state.disconnect.controlMode()]);
        } else if (rowsOf(target) != null && index == 7) {
            ((GXDLMSProfileGeneric) target).setEntriesInUse((int) rowsOf(target).entriesInUse(now));
        }
    }

    private void refreshImageTransfer() {
        ImageTransferState image = state.image;
        imageTransfer.setImageTransferStatus(ImageTransferStatus.values()[image.status()]);
        imageTransfer.setImageTransferredBlocksStatus(image.transferredBlocks());
        imageTransfer.setImageFirstNotTransferredBlockNumber(image.firstNotTransferredBlock());
        ImageTransferState.StagedImage verified = image.verifiedImage();
        GXDLMSImageActivateInfo info = new GXDLMSImageActivateInfo();
        if (verified != null) {
            info.setIdentification(verified.identifier());
            info.setSize(verified.size());
            info.setSignature(new byte[0]);
        }
        imageTransfer.setImageActivateInfo(verified == null ? new GXDLMSImageActivateInfo[0]
                : new GXDLMSImageActivateInfo[] {info});
    }

    private void captures(GXDLMSProfileGeneric pg, ProfileRows rows, GXDLMSObject value) {
        pg.addCaptureObject(clock, 2, 0);
        pg.addCaptureObject(value, 2, 0);
        pg.setSortMethod(SortMethod.FIFO);
        pg.setSortObject(clock);
        pg.setSortObjectAttributeIndex(2);
        pg.setProfileEntries((int) rows.capacity());
    }

    /**
     * One season, one week, one day: peak 07:00-23:00 (tariff script 1), off-peak otherwise (script 2). Built once
     * and shared by every connection: the calendar is read-only, so Gurux never changes these objects.
     */
    private static final GXDLMSSeasonProfile[] SEASONS = {
        new GXDLMSSeasonProfile("YEAR", CosemTime.of(MeterModel.EPOCH), "WEEK")};
    private static final GXDLMSWeekProfile[] WEEKS = {week("WEEK", 1)};
    private static final GXDLMSDayProfile[] DAYS = {new GXDLMSDayProfile(1, new GXDLMSDayProfileAction[] {
        new GXDLMSDayProfileAction(new GXTime(0, 0, 0, 0), TARIFF_SCRIPTS, 2),
        new GXDLMSDayProfileAction(new GXTime(7, 0, 0, 0), TARIFF_SCRIPTS, 1),
        new GXDLMSDayProfileAction(new GXTime(23, 0, 0, 0), TARIFF_SCRIPTS, 2)})};
    private static final GXDateTime PASSIVE_ACTIVATION = CosemTime.of(Instant.parse("2030-01-01T00:00:00Z"));

    private static void calendar(GXDLMSActivityCalendar calendar) {
        calendar.setCalendarNameActive("STANDARD");
        calendar.setSeasonProfileActive(SEASONS);
        calendar.setWeekProfileTableActive(WEEKS);
        calendar.setDayProfileTableActive(DAYS);
        calendar.setCalendarNamePassive("STANDARD");
        calendar.setSeasonProfilePassive(SEASONS);
        calendar.setWeekProfileTablePassive(WEEKS);
        calendar.setDayProfileTablePassive(DAYS);
        calendar.setTime(PASSIVE_ACTIVATION);
    }

    private static GXDLMSWeekProfile week(String name, int dayId) {
        GXDLMSWeekProfile week = new GXDLMSWeekProfile();
        week.setName(name);
        week.setMonday(dayId);
        week.setTuesday(dayId);
        week.setWednesday(dayId);
        week.setThursday(dayId);
        week.setFriday(dayId);
        week.setSaturday(dayId);
        week.setSunday(dayId);
        return week;
    }

    /** FLAG id and the serial number's digits (5 bytes): how a DLMS server names itself in ciphered APDUs. */
    static byte[] systemTitle(MeterSpec spec, VendorProfile profile) {
        byte[] title = new byte[8];
        System.arraycopy(profile.manufacturer().getBytes(StandardCharsets.US_ASCII), 0, title, 0, 3);
        String digits = spec.serialNumber().replaceAll("\\D", "");
        long serial = digits.isEmpty() ? 0 : new BigInteger(digits).longValue();
        for (int i = 7; i >= 3; i--) {
            title[i] = (byte) serial;
            serial >>>= 8;
        }
        return title;
    }
}
