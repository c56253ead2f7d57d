package org.amihes.dlms.failure;

import gurux.dlms.GXDLMSConfirmedServiceError;
import gurux.dlms.GXDLMSException;
import gurux.dlms.GXDLMSExceptionResponse;
import gurux.dlms.enums.AssociationResult;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.enums.ExceptionServiceError;
import gurux.dlms.enums.SourceDiagnostic;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.List;

/** Maps what Gurux and the socket layer throw onto {@link FailureCode}s. Pure: no I/O, no state. */
public final class Classifier {

    private Classifier() {
    }

    public static DlmsException classify(Throwable error, List<String> exchange) {
        if (error instanceof DlmsException d) {
            return d.exchange().isEmpty() ? d.withExchange(exchange) : d;
        }
        return new DlmsException(codeOf(error), describe(error), exchange, error);
    }

    /** A non-zero data-access-result in a GET/SET/ACTION response. */
    public static FailureCode ofDataAccessResult(int error) {
        ErrorCode code = ErrorCode.forValue(error);
        if (code == null) {
            return FailureCode.DATA_ACCESS_ERROR;
        }
        return switch (code) {
            case UNDEFINED_OBJECT, UNAVAILABLE_OBJECT, INCONSISTENT_CLASS -> FailureCode.OBJECT_UNDEFINED;
            case READ_WRITE_DENIED, ACCESS_VIOLATED -> FailureCode.ACCESS_DENIED;
            // The meter understood and said no on its own terms (e.g. a bootloader refusing the installed image).
            case OTHER_REASON, TEMPORARY_FAILURE, HARDWARE_FAULT -> FailureCode.REFUSED_BY_METER;
            default -> FailureCode.DATA_ACCESS_ERROR;
        };
    }

    private static FailureCode codeOf(Throwable error) {
        if (error instanceof ConnectException) {
            return FailureCode.CONNECTION_REFUSED;
        }
        if (error instanceof ConnectTimeoutException) {
            return FailureCode.NO_ANSWER;
        }
        if (error instanceof NoRouteToHostException || error instanceof UnknownHostException) {
            return FailureCode.UNREACHABLE;
        }
        if (error instanceof GXDLMSExceptionResponse r) {
            // The meter could not decipher what we sent: wrong key, wrong suite or a stale invocation counter
            // (Gurux servers report all three alike); AssociationDiagnosis tells them apart.
            return r.getExceptionServiceError() == ExceptionServiceError.DECIPHERING_ERROR
                    ? FailureCode.DECIPHERING_FAILED : FailureCode.EXCEPTION_RESPONSE;
        }
        if (error instanceof GXDLMSConfirmedServiceError) {
            return FailureCode.GENERAL_SERVICE_ERROR;
        }
        if (error instanceof GXDLMSException g) {
            if (g.getResult() == AssociationResult.PERMANENT_REJECTED || g.getResult() == AssociationResult.TRANSIENT_REJECTED) {
                SourceDiagnostic diagnostic = SourceDiagnostic.forValue(g.getDiagnostic());
                return diagnostic == SourceDiagnostic.AUTHENTICATION_FAILURE
                        || diagnostic == SourceDiagnostic.AUTHENTICATION_REQUIRED
                        || diagnostic == SourceDiagnostic.NOT_RECOGNISED
                        || diagnostic == SourceDiagnostic.MECHANISM_NAME_REGUIRED
                        ? FailureCode.AUTHENTICATION_FAILED : FailureCode.ASSOCIATION_REJECTED;
            }
            return g.getErrorCode() != 0 ? ofDataAccessResult(g.getErrorCode()) : FailureCode.MALFORMED_PDU;
        }
        if (error instanceof java.security.GeneralSecurityException) {
            return FailureCode.AUTHENTICATION_FAILED;
        }
        // Anything else escaping Gurux's parser (index out of range, bad tag, class cast) is a PDU we cannot read.
        return FailureCode.MALFORMED_PDU;
    }

    private static String describe(Throwable error) {
        if (error instanceof GXDLMSException g && g.getResult() != null && g.getResult() != AssociationResult.ACCEPTED) {
            return "result " + g.getResult() + ", diagnostic " + SourceDiagnostic.forValue(g.getDiagnostic());
        }
        if (error instanceof GXDLMSExceptionResponse r) {
            return "state " + r.getStateError() + ", service " + r.getExceptionServiceError();
        }
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
