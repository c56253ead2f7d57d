package org.amihes.simulator;

import gurux.dlms.GXDLMSConnectionEventArgs;
import gurux.dlms.GXDateTime;
import gurux.dlms.ValueEventArgs;
import gurux.dlms.enums.AccessMode;
import gurux.dlms.enums.Authentication;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.enums.MethodAccessMode;
import gurux.dlms.enums.ObjectType;
import gurux.dlms.enums.SourceDiagnostic;
import gurux.dlms.enums.Unit;
import gurux.dlms.objects.GXDLMSAssociationLogicalName;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSRegister;
import gurux.dlms.secure.GXDLMSSecureServer2;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Calendar;
import java.util.TimeZone;

/**
 * One association's worth of meter: a Gurux server holding the meter's COSEM objects, created per connection
 * (Gurux servers are not thread-safe and keep per-association state). Values come from {@link MeterModel} at
 * the moment they are read.
 */
final class SimulatedMeter extends GXDLMSSecureServer2 {

    static final String CLOCK = "0.0.1.0.0.255";
    static final String SERIAL_NUMBER = "0.0.96.1.0.255";
    static final String LOGICAL_DEVICE_NAME = "0.0.42.0.0.255";
    static final int LLS_CLIENT = 32;

    private final MeterSpec spec;
    private final VendorProfile profile;
    private final MeterModel model;
    private final GXDLMSRegister energy;
    private final GXDLMSClock clock;

    SimulatedMeter(MeterSpec spec, VendorProfile profile, MeterModel model) {
        super(publicAssociation(), interfaceType(profile));
        this.spec = spec;
        this.profile = profile;
        this.model = model;
        setMaxReceivePDUSize(profile.maxPduSize());

        GXDLMSAssociationLogicalName lls = new GXDLMSAssociationLogicalName("0.0.40.0.2.255");
        lls.setClientSAP(LLS_CLIENT);
        lls.getAuthenticationMechanismName().setMechanismId(Authentication.LOW);
        lls.setSecret(spec.llsPassword().getBytes(StandardCharsets.US_ASCII));

        energy = new GXDLMSRegister(profile.energyObis());
        energy.setScaler(Math.pow(10, profile.energyScaler()));
        energy.setUnit(Unit.ACTIVE_ENERGY);
        clock = new GXDLMSClock(CLOCK);
        clock.setTimeZone(0);
        clock.setDeviation(0);
        GXDLMSData serial = new GXDLMSData(SERIAL_NUMBER);
        serial.setValue(spec.serialNumber());
        GXDLMSData name = new GXDLMSData(LOGICAL_DEVICE_NAME);
        name.setValue(profile.manufacturer() + spec.serialNumber());

        getItems().add(lls);
        getItems().add(clock);
        getItems().add(energy);
        getItems().add(serial);
        getItems().add(name);
        initialize();
    }

    private static GXDLMSAssociationLogicalName publicAssociation() {
        GXDLMSAssociationLogicalName pub = new GXDLMSAssociationLogicalName("0.0.40.0.1.255");
        pub.setClientSAP(Fleet.PUBLIC_CLIENT);
        pub.getAuthenticationMechanismName().setMechanismId(Authentication.NONE);
        return pub;
    }

    static InterfaceType interfaceType(VendorProfile profile) {
        return profile.framing() == VendorProfile.Framing.HDLC ? InterfaceType.HDLC : InterfaceType.WRAPPER;
    }

    @Override
    protected boolean isTarget(int serverAddress, int clientAddress) {
        if (serverAddress != spec.logicalDevice()) {
            return false;
        }
        for (GXDLMSObject it : getItems().getObjects(ObjectType.ASSOCIATION_LOGICAL_NAME)) {
            GXDLMSAssociationLogicalName a = (GXDLMSAssociationLogicalName) it;
            if (a.getClientSAP() == clientAddress) {
                setAssignedAssociation(a);
                return true;
            }
        }
        return false;
    }

    @Override
    protected SourceDiagnostic onValidateAuthentication(Authentication authentication, byte[] password) {
        if (authentication == Authentication.NONE) {
            return SourceDiagnostic.NONE;
        }
        if (authentication == Authentication.LOW) {
            byte[] expected = getAssignedAssociation().getSecret();
            return Arrays.equals(expected, password) ? SourceDiagnostic.NONE : SourceDiagnostic.AUTHENTICATION_FAILURE;
        }
        return SourceDiagnostic.NOT_RECOGNISED;
    }

    @Override
    public void onPreRead(ValueEventArgs[] args) {
        for (ValueEventArgs e : args) {
            if (e.getTarget() instanceof AbsentObject) {
                answerObjectUndefined(e, args.length > 1);
            } else if (e.getTarget() == energy && e.getIndex() == 2) {
                energy.setValue(profile.energyRegisterNull() ? null
                        : MeterModel.energyRaw(spec, profile, model.now()).longValueExact());
            } else if (e.getTarget() == clock && e.getIndex() == 2) {
                Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
                utc.setTimeInMillis(model.now().toEpochMilli());
                clock.setTime(new GXDateTime(utc));
            }
        }
    }

    @Override
    public void onPostRead(ValueEventArgs[] args) {
    }

    @Override
    public void onPreGet(ValueEventArgs[] args) {
    }

    @Override
    public void onPostGet(ValueEventArgs[] args) {
    }

    /**
     * Called only for objects the meter does not have. Gurux 4.0.47's GET-with-list encoder dereferences the
     * missing object and writes a bare 0x01 where a data-access-result belongs, a malformed PDU. So a missing
     * object is answered with a placeholder whose read reports object-undefined ({@link #answerObjectUndefined}).
     */
    @Override
    protected GXDLMSObject onFindObject(ObjectType type, int sn, String ln) {
        return new AbsentObject(ln);
    }

    /**
     * Normal GET: Gurux turns the error into a proper Get-Response with data-access-result. With-list: Gurux
     * writes {@code error} as the result's choice byte, then the value bytes verbatim, so choice 1
     * (data-access-result) followed by 4 (object-undefined) gives the correct encoding.
     */
    private static void answerObjectUndefined(ValueEventArgs e, boolean withList) {
        e.setHandled(true);
        if (withList) {
            e.setError(gurux.dlms.enums.ErrorCode.HARDWARE_FAULT); // value 1: the data-access-result choice
            e.setByteArray(true);
            e.setValue(new byte[] {(byte) gurux.dlms.enums.ErrorCode.UNDEFINED_OBJECT.getValue()});
        } else {
            e.setError(gurux.dlms.enums.ErrorCode.UNDEFINED_OBJECT);
        }
    }

    /** Stands in for a logical name the meter does not implement. */
    private static final class AbsentObject extends GXDLMSData {
        AbsentObject(String ln) {
            super(ln);
        }
    }

    @Override
    protected void onPreWrite(ValueEventArgs[] args) {
    }

    @Override
    protected void onPostWrite(ValueEventArgs[] args) {
    }

    @Override
    protected void onConnected(GXDLMSConnectionEventArgs connectionInfo) {
    }

    @Override
    protected void onInvalidConnection(GXDLMSConnectionEventArgs connectionInfo) {
    }

    @Override
    protected void onDisconnected(GXDLMSConnectionEventArgs connectionInfo) {
    }

    @Override
    protected AccessMode onGetAttributeAccess(ValueEventArgs arg) {
        return AccessMode.READ;
    }

    @Override
    protected MethodAccessMode onGetMethodAccess(ValueEventArgs arg) {
        return MethodAccessMode.NO_ACCESS;
    }

    @Override
    protected void onPreAction(ValueEventArgs[] args) {
    }

    @Override
    protected void onPostAction(ValueEventArgs[] args) {
    }
}
