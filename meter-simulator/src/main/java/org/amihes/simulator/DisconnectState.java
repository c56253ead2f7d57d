package org.amihes.simulator;

import gurux.dlms.enums.ErrorCode;

/**
 * The disconnect control state machine of one meter (IEC 62056-6-2, class 70), shared by all its connections.
 * Transitions: a remote_reconnect 0→1, b remote_disconnect 1→0, c remote_disconnect 2→0,
 * d remote_reconnect 0→2, e manual_reconnect 2→1. A method with no transition from the current state succeeds and
 * changes nothing, so repeating a command is harmless.
 */
final class DisconnectState {

    static final int DISCONNECTED = 0;
    static final int CONNECTED = 1;
    static final int READY_FOR_RECONNECTION = 2;

    private int controlState = CONNECTED;
    private int controlMode;
    private long relayOperations;
    /** remote_disconnect and remote_reconnect invocations received, whether they switched or not */
    private long methodCalls;

    DisconnectState(int controlMode) {
        this.controlMode = controlMode;
    }

    synchronized ErrorCode remoteDisconnect() {
        methodCalls++;
        if (controlMode == 0) {
            return ErrorCode.OTHER_REASON; // mode 0: the output is always connected
        }
        if (controlState != DISCONNECTED) { // b or c
            switchTo(DISCONNECTED);
        }
        return ErrorCode.OK;
    }

    synchronized ErrorCode remoteReconnect() {
        methodCalls++;
        if (controlMode == 0) {
            return ErrorCode.OTHER_REASON;
        }
        if (controlState == DISCONNECTED) {
            // modes 2 and 4 reconnect directly (a); the others need the customer to press the button (d, then e)
            switchTo(controlMode == 2 || controlMode == 4 ? CONNECTED : READY_FOR_RECONNECTION);
        }
        return ErrorCode.OK;
    }

    /** e: the customer presses the button on a meter that is ready for reconnection. */
    synchronized boolean manualReconnect() {
        if (controlMode == 0 || controlState != READY_FOR_RECONNECTION) {
            return false;
        }
        switchTo(CONNECTED);
        return true;
    }

    synchronized ErrorCode setControlMode(int mode) {
        if (mode < 0 || mode > 6) {
            return ErrorCode.OTHER_REASON;
        }
        controlMode = mode;
        if (mode == 0 && controlState != CONNECTED) {
            switchTo(CONNECTED);
        }
        return ErrorCode.OK;
    }

    synchronized long methodCalls() {
        return methodCalls;
    }

    synchronized int controlState() {
        return controlState;
    }

    synchronized int controlMode() {
        return controlMode;
    }

    synchronized long relayOperations() {
        return relayOperations;
    }

    private void switchTo(int next) {
        boolean outputBefore = controlState == CONNECTED;
        controlState = next;
        if (outputBefore != (next == CONNECTED)) {
            relayOperations++;
        }
    }
}
