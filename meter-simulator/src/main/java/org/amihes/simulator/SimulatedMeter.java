package org.amihes.simulator;

import gurux.dlms.GXDLMSConnectionEventArgs;
import gurux.dlms.ValueEventArgs;
import gurux.dlms.enums.AccessMode;
import gurux.dlms.objects.enums.ApplicationContextName;
import gurux.dlms.enums.Authentication;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.enums.MethodAccessMode;
import gurux.dlms.enums.ObjectType;
import gurux.dlms.enums.SourceDiagnostic;
import gurux.dlms.objects.GXDLMSAssociationLogicalName;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import gurux.dlms.secure.GXDLMSSecureServer2;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * One association's worth of meter: a Gurux server holding the meter's COSEM objects ({@link CosemObjects}),
 * created per connection (Gurux servers are not thread-safe and keep per-association state). Values come from
 * {@link MeterModel} at the moment they are read; what must outlive the connection lives in {@link MeterState}.
 */
final class SimulatedMeter extends GXDLMSSecureServer2 {

    static final int LLS_CLIENT = 32;
    /** Management client: the head-end's HLS association, ciphered as the vendor profile says. */
    static final int HLS_CLIENT = 1;
    static final String CURRENT_ASSOCIATION = "0.0.40.0.0.255";

    private final MeterSpec spec;
    private final MeterModel model;
    private final MeterState state;
    private final CosemObjects cosem;
    private final VendorProfile profile;
    private final MeterKeys keys;
    private final PublicKey headEndKey;
    private final SecurityControlCheck securityControl;
    private final WithListBlocks listBlocks;

    /** @param headEndKey the head-end's public ECDSA key the meter trusts, null for suite 0 */
    SimulatedMeter(MeterSpec spec, VendorProfile profile, MeterModel model, MeterState state, MeterKeys keys,
                   PublicKey headEndKey) {
        this(spec, profile, model, state, keys, headEndKey, associations(spec, profile, keys));
    }

    private SimulatedMeter(MeterSpec spec, VendorProfile profile, MeterModel model, MeterState state, MeterKeys keys,
                           PublicKey headEndKey, List<GXDLMSAssociationLogicalName> associations) {
        super(associations.get(0), interfaceType(profile));
        this.spec = spec;
        this.model = model;
        this.state = state;
        this.profile = profile;
        this.keys = keys;
        this.headEndKey = headEndKey;
        this.securityControl = new SecurityControlCheck(profile.framing(), profile.securitySuite());
        this.cosem = new CosemObjects(spec, profile, state);
        cosem.secure(profile, keys, state.invocationCounter());
        setMaxReceivePDUSize(profile.maxPduSize());
        if (profile.generalBlockTransfer()) {
            getConformance().add(gurux.dlms.enums.Conformance.GENERAL_BLOCK_TRANSFER);
        }
        getCiphering().setSystemTitle(CosemObjects.systemTitle(spec, profile));
        this.listBlocks = new WithListBlocks(profile.framing(), getSettings(), getCiphering());
        getItems().addAll(associations.subList(1, associations.size()));
        getItems().addAll(cosem.all());
        initialize();
        cosem.afterInitialize();
    }

    /**
     * Every association the meter offers, the public one (client 16) first. Add an association here (e.g. HLS with
     * a security setup reference) and {@link #isTarget} and the access rules pick it up.
     */
    static List<GXDLMSAssociationLogicalName> associations(MeterSpec spec, VendorProfile profile, MeterKeys keys) {
        GXDLMSAssociationLogicalName pub = new GXDLMSAssociationLogicalName("0.0.40.0.1.255");
        pub.setClientSAP(Fleet.PUBLIC_CLIENT);
        pub.getAuthenticationMechanismName().setMechanismId(Authentication.NONE);

        GXDLMSAssociationLogicalName lls = new GXDLMSAssociationLogicalName("0.0.40.0.2.255");
        lls.setClientSAP(LLS_CLIENT);
        lls.getAuthenticationMechanismName().setMechanismId(Authentication.LOW);
        lls.setSecret(spec.llsPassword().getBytes(StandardCharsets.US_ASCII));
        Authentication mechanism = Authentication.valueOf(profile.hlsAuthentication());
        if (mechanism == Authentication.NONE) {
            return withPduLimit(profile, List.of(pub, lls));
        }
        // A ciphered association needs the ciphered context AND a security setup reference: without the reference
        // Gurux silently resets the context to plain LN.
        GXDLMSAssociationLogicalName hls = new GXDLMSAssociationLogicalName("0.0.40.0.3.255");
        hls.setClientSAP(HLS_CLIENT);
        hls.getAuthenticationMechanismName().setMechanismId(mechanism);
        hls.getApplicationContextName().setContextId(ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING);
        hls.setSecuritySetupReference(CosemObjects.SECURITY_SETUP);
        if (mechanism == Authentication.HIGH_SHA256) {
            hls.setSecret(keys.hlsSecret());
        }
        return withPduLimit(profile, List.of(pub, lls, hls));
    }

    /** Gurux negotiates the PDU limit and conformance of the assigned association, not the server's: set them on each. */
    private static List<GXDLMSAssociationLogicalName> withPduLimit(VendorProfile profile,
                                                                   List<GXDLMSAssociationLogicalName> associations) {
        associations.forEach(a -> {
            a.getXDLMSContextInfo().setMaxReceivePduSize(profile.maxPduSize());
            a.getXDLMSContextInfo().setMaxSendPduSize(profile.maxPduSize());
            if (profile.generalBlockTransfer()) {
                a.getXDLMSContextInfo().getConformance().add(gurux.dlms.enums.Conformance.GENERAL_BLOCK_TRANSFER);
            }
        });
        return associations;
    }

    /**
     * Handles what arrived (whole frames; a partial one waits for its rest) and keeps the invocation counter the meter
     * accepted for its next connections. Null when there is nothing to answer yet.
     */
    byte[] answer(byte[] received) throws Exception {
        byte[] request = securityControl.accept(received);
        if (request.length == 0) {
            return null;
        }
        byte[] reply = handleRequest(request);
        countAssociation();
        if (reply != null && reply.length > 0) {
            reply = listBlocks.rewrite(reply);
            reply = RlreLengths.correct(reply, profile.framing());
        }
        if (cosem.invocationCounter.getValue() instanceof Number seen) {
            state.rememberInvocationCounter(seen.longValue());
        }
        return reply;
    }

    private boolean associationCounted;

    /** Once per association, when it is established (for HLS: after the client's proof was accepted). */
    private void countAssociation() {
        if (!associationCounted && (getSettings().getConnected() & gurux.dlms.ConnectionState.DLMS) != 0
                && getAssignedAssociation() != null) {
            associationCounted = true;
            state.associationAccepted(getAssignedAssociation().getClientSAP());
        }
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
        // HLS: the secret, key or signature is proven in pass 3 (the association's reply_to_HLS_authentication)
        return SourceDiagnostic.NONE;
    }

    private boolean ciphered() {
        GXDLMSAssociationLogicalName a = getAssignedAssociation();
        return a != null && a.getSecuritySetupReference() != null && a.getClientSAP() == HLS_CLIENT;
    }

    /** Only an authenticated association may change the meter; the public client reads. */
    private boolean privileged() {
        GXDLMSAssociationLogicalName a = getAssignedAssociation();
        return a != null && a.getAuthenticationMechanismName().getMechanismId() != Authentication.NONE;
    }

    @Override
    protected AccessMode onGetAttributeAccess(ValueEventArgs arg) {
        GXDLMSObject t = arg.getTarget();
        if (t instanceof GXDLMSAssociationLogicalName && arg.getIndex() == 7) {
            return AccessMode.NO_ACCESS; // the association's secret (the LLS password) is never readable
        }
        boolean writable = t == cosem.clock && arg.getIndex() == 2
                || t == cosem.disconnectControl && arg.getIndex() == 4
                || t == cosem.activityCalendar && arg.getIndex() >= 6 && arg.getIndex() <= 10; // the passive calendar
        return writable && privileged() ? AccessMode.READ_WRITE : AccessMode.READ;
    }

    @Override
    protected MethodAccessMode onGetMethodAccess(ValueEventArgs arg) {
        GXDLMSObject t = arg.getTarget();
        int m = arg.getIndex();
        if (t instanceof GXDLMSAssociationLogicalName && m == 1) {
            return MethodAccessMode.ACCESS; // reply_to_HLS_authentication: how an HLS client proves itself
        }
        if (t == cosem.securitySetup && m == 2) {
            // key_transfer: only over the ciphered management association, never LLS or the public client
            return ciphered() ? MethodAccessMode.ACCESS : MethodAccessMode.NO_ACCESS;
        }
        boolean executable = t == cosem.disconnectControl && (m == 1 || m == 2)
                || t == cosem.imageTransfer && m >= 1 && m <= 4;
        return executable && privileged() ? MethodAccessMode.ACCESS : MethodAccessMode.NO_ACCESS;
    }

    @Override
    public void onPreRead(ValueEventArgs[] args) {
        Instant now = model.now();
        for (ValueEventArgs e : args) {
            ProfileRows rows = cosem.rowsOf(e.getTarget());
            if (e.getTarget() instanceof AbsentObject) {
                answerError(e, args.length > 1, ErrorCode.UNDEFINED_OBJECT);
            } else if (rows != null && e.getIndex() == 2) {
                readBuffer(e, (GXDLMSProfileGeneric) e.getTarget(), rows, now, args.length > 1);
            } else {
                cosem.refresh(e, now);
            }
        }
        if (args.length > 1) {
            byte[] tooLongForOnePdu = WithListAnswers.fit(args, getSettings());
            if (tooLongForOnePdu != null) {
                listBlocks.start(tooLongForOnePdu);
            }
        }
    }

    private static void readBuffer(ValueEventArgs e, GXDLMSProfileGeneric pg, ProfileRows rows, Instant now,
                                   boolean withList) {
        byte[] encoded;
        try {
            encoded = ProfileReads.read(e.getSettings(), pg, rows, e.getSelector(), e.getParameters(), now);
        } catch (RuntimeException badAccessSelection) {
            answerError(e, withList, ErrorCode.OTHER_REASON);
            return;
        }
        e.setValue(encoded);
        e.setByteArray(true);
        e.setHandled(true);
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
     * object is answered with a placeholder whose read reports object-undefined ({@link #answerError}). The one
     * name not in the object list that a meter must know is 0.0.40.0.0.255, the current association.
     */
    @Override
    protected GXDLMSObject onFindObject(ObjectType type, int sn, String ln) {
        if (type == ObjectType.ASSOCIATION_LOGICAL_NAME && CURRENT_ASSOCIATION.equals(ln)
                && getAssignedAssociation() != null) {
            return getAssignedAssociation(); // object list, HLS pass 3/4: clients address the association they use
        }
        return new AbsentObject(ln);
    }

    /**
     * Normal GET: Gurux turns the error into a proper Get-Response with data-access-result. With-list: Gurux
     * writes {@code error} as the result's choice byte, then the value bytes verbatim, so choice 1
     * (data-access-result) followed by the code gives the correct encoding.
     */
    static void answerError(ValueEventArgs e, boolean withList, ErrorCode code) {
        e.setHandled(true);
        if (withList) {
            e.setError(ErrorCode.HARDWARE_FAULT); // value 1: the data-access-result choice
            e.setByteArray(true);
            e.setValue(new byte[] {(byte) code.getValue()});
        } else {
            e.setError(code);
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
        for (ValueEventArgs e : args) {
            try {
                if (e.getTarget() == cosem.clock && e.getIndex() == 2) {
                    Instant set = CosemTime.toInstant(e.getValue());
                    state.setClockOffset(Duration.between(model.now(), set));
                    e.setHandled(true);
                } else if (e.getTarget() == cosem.disconnectControl && e.getIndex() == 4) {
                    result(e, state.disconnect.setControlMode(((Number) e.getValue()).intValue()));
                }
            } catch (RuntimeException wrongType) {
                result(e, ErrorCode.UNMATCHED_TYPE);
            }
        }
    }

    @Override
    protected void onPostWrite(ValueEventArgs[] args) {
        for (ValueEventArgs e : args) {
            if (e.getTarget() == cosem.activityCalendar && e.getIndex() >= 6 && e.getIndex() <= 10) {
                state.calendar.written(cosem.activityCalendar, e.getIndex());
            }
        }
    }

    @Override
    protected void onPreAction(ValueEventArgs[] args) {
        for (ValueEventArgs e : args) {
            try {
                if (e.getTarget() == getAssignedAssociation() && e.getIndex() == 1
                        && getAssignedAssociation().getAuthenticationMechanismName().getMechanismId()
                        == Authentication.HIGH_ECDSA) {
                    ecdsaReplyToHls(e);
                } else if (e.getTarget() == cosem.disconnectControl) {
                    result(e, e.getIndex() == 1 ? state.disconnect.remoteDisconnect()
                            : state.disconnect.remoteReconnect());
                } else if (e.getTarget() == cosem.imageTransfer) {
                    result(e, imageTransfer(e.getIndex(), e.getParameters()));
                }
            } catch (RuntimeException wrongParameters) {
                result(e, ErrorCode.UNMATCHED_TYPE);
            } catch (java.security.GeneralSecurityException e2) {
                result(e, ErrorCode.READ_WRITE_DENIED); // a signature the JCE cannot process proves nothing
            }
        }
    }

    /**
     * HLS-ECDSA pass 3/4 on the meter side, done with the JCE: Gurux 4.0.47 hashes with SHA-256 whatever the suite
     * (suite 2 needs SHA-384), leaves short r/s unpadded and prints the private key. The head-end's f(StoC) signs
     * SystemTitle-C | SystemTitle-S | StoC | CtoS; the meter answers f(CtoS) over SystemTitle-S | SystemTitle-C |
     * CtoS | StoC. Signatures are r | s (P1363), 32 bytes each for P-256, 48 for P-384.
     */
    private void ecdsaReplyToHls(ValueEventArgs e) throws java.security.GeneralSecurityException {
        String algorithm = profile.securitySuite() == 2 ? "SHA384withECDSAinP1363Format" : "SHA256withECDSAinP1363Format";
        byte[] clientTitle = getSettings().getSourceSystemTitle();
        byte[] meterTitle = keys.systemTitle();
        byte[] stoc = getSettings().getStoCChallenge();
        byte[] ctos = getSettings().getCtoSChallenge();
        java.security.Signature verify = java.security.Signature.getInstance(algorithm);
        verify.initVerify(headEndKey);
        verify.update(concat(clientTitle, meterTitle, stoc, ctos));
        e.setHandled(true);
        if (!(e.getParameters() instanceof byte[] fStoC) || !verify.verify(fStoC)) {
            e.setError(ErrorCode.READ_WRITE_DENIED); // the head-end did not prove its key: association refused
            return;
        }
        java.security.Signature sign = java.security.Signature.getInstance(algorithm);
        sign.initSign(keys.signingKey().getPrivate());
        sign.update(concat(meterTitle, clientTitle, ctos, stoc));
        getAssignedAssociation().setAssociationStatus(gurux.dlms.objects.enums.AssociationStatus.ASSOCIATED);
        e.setValue(sign.sign());
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private ErrorCode imageTransfer(int method, Object parameters) {
        ImageTransferState image = state.image;
        return switch (method) {
            case 1 -> image.initiate((byte[]) ((List<?>) parameters).get(0),
                    ((Number) ((List<?>) parameters).get(1)).longValue());
            case 2 -> image.block(((Number) ((List<?>) parameters).get(0)).longValue(),
                    (byte[]) ((List<?>) parameters).get(1));
            case 3 -> image.verify();
            default -> image.activate();
        };
    }

    /** Answers a write or method ourselves: Gurux's own handling would change only this connection's copy. */
    private static void result(ValueEventArgs e, ErrorCode code) {
        e.setHandled(true);
        e.setValue(null);
        if (code != ErrorCode.OK) {
            e.setError(code);
        }
    }

    /** A key transfer Gurux unwrapped and accepted outlives this connection, as it does on a real meter. */
    @Override
    protected void onPostAction(ValueEventArgs[] args) {
        for (ValueEventArgs e : args) {
            if (e.getTarget() == cosem.securitySetup && e.getIndex() == 2 && e.getError() == ErrorCode.OK) {
                state.installCipherKeys(cosem.securitySetup.getGuek(), cosem.securitySetup.getGak());
            }
        }
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
}
