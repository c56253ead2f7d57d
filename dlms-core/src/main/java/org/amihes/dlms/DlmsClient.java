package org.amihes.dlms;

import gurux.dlms.ConnectionState;
import gurux.dlms.enums.Authentication;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.enums.Security;
import gurux.dlms.objects.enums.SecuritySuite;
import gurux.dlms.secure.GXCiphering;
import gurux.dlms.secure.GXDLMSSecureClient;

/**
 * Gurux's secure client with the few protected pieces this project needs: the HLS challenges (so HLS-ECDSA can be
 * done with the JCE, see {@link EcdsaAuthentication}), the invoke id, and marking the association authenticated.
 */
final class DlmsClient extends GXDLMSSecureClient {

    static {
        GuruxLogging.quiet(); // before the first key reaches Gurux
    }

    DlmsClient(SessionSettings s) {
        super(true, s.clientAddress(), s.logicalDevice(), s.authentication().gurux(),
                s.password(), s.transport().framing());
        setMaxReceivePDUSize(s.maxPduSize());
        // Offer General Block Transfer: a meter that supports it streams long answers (profiles) in windows.
        getProposedConformance().add(gurux.dlms.enums.Conformance.GENERAL_BLOCK_TRANSFER);
        if (s.security() != null) {
            configure(s.security(), s.authentication());
        }
    }

    private void configure(SecuritySettings security, AuthenticationLevel authentication) {
        GXCiphering c = getCiphering();
        // Suite first: Gurux checks key lengths against the current suite.
        c.setSecuritySuite(SecuritySuite.forValue(security.suite()));
        c.setSecurity(switch (security.policy()) {
            case NONE -> Security.NONE;
            case AUTHENTICATED -> Security.AUTHENTICATION;
            case ENCRYPTED -> Security.ENCRYPTION;
            case AUTHENTICATED_ENCRYPTED -> Security.AUTHENTICATION_ENCRYPTION;
        });
        c.setSystemTitle(security.clientSystemTitle());
        c.setBlockCipherKey(security.blockCipherKey());
        c.setAuthenticationKey(security.authenticationKey());
        if (security.dedicatedKey() != null) {
            c.setDedicatedKey(security.dedicatedKey());
        }
        c.setInvocationCounter(security.invocationCounter());
        if (authentication == AuthenticationLevel.HIGH_SHA256 && security.hlsSecret() != null) {
            setPassword(security.hlsSecret());
        }
    }

    byte[] serverToClientChallenge() {
        return getSettings().getStoCChallenge();
    }

    byte[] clientSystemTitle() {
        return getCiphering().getSystemTitle();
    }

    void setInvokeId(int id) {
        getSettings().setInvokeID(id);
    }

    /** After our own successful HLS pass 4: the association may now carry requests. */
    void markAuthenticated() {
        getSettings().setConnected(getSettings().getConnected() | ConnectionState.DLMS);
    }

    boolean usesEcdsa() {
        return getAuthentication() == Authentication.HIGH_ECDSA;
    }
}
