package org.gochat.auth.boundary;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The client address the limits count by: the TCP peer as Liberty reports it (behind a proxy, the
 * proxy's, unless Liberty's {@code remoteIp} is configured to trust that proxy's forwarding headers).
 * An IPv6 address counts by its /64 network, since one host usually has a whole /64 to choose from.
 */
final class ClientAddress {

    private ClientAddress() {
    }

    static String of(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        try {
            InetAddress address = InetAddress.getByName(peer); // an address literal: no name lookup
            if (address instanceof Inet6Address) {
                byte[] network = Arrays.copyOf(address.getAddress(), 16);
                Arrays.fill(network, 8, 16, (byte) 0);
                return InetAddress.getByAddress(network).getHostAddress() + "/64";
            }
            return address.getHostAddress();
        } catch (UnknownHostException e) {
            return peer;
        }
    }
}
