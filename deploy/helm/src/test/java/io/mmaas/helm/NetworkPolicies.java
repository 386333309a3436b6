package io.mmaas.helm;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Kubernetes NetworkPolicy semantics (networking.k8s.io/v1), evaluated over a small modelled cluster: a connection
 * is allowed when the policies selecting its destination allow it in (or none select it for Ingress) and the policies
 * selecting its source allow it out (or none select it for Egress). Selectors support matchLabels and
 * matchExpressions; ports support numbers, names (resolved on the destination) and endPort ranges; ipBlock applies to
 * endpoints outside the pod network only.
 */
final class NetworkPolicies {
  /** Something that can connect or be connected to: a pod (namespace and labels) or an address outside the cluster. */
  record Endpoint(String name, String namespace, Map<String, String> labels, String ip, List<Port> ports) {
    boolean inCluster() {
      return namespace != null;
    }
  }

  /** A port an endpoint listens on. */
  record Port(String protocol, int number, String name) {
    static Port tcp(int number) {
      return new Port("TCP", number, null);
    }

    static Port tcp(int number, String name) {
      return new Port("TCP", number, name);
    }

    static Port udp(int number) {
      return new Port("UDP", number, null);
    }
  }

  private final List<NetworkPolicy> policies;
  private final Map<String, Map<String, String>> namespaceLabels;

  NetworkPolicies(List<NetworkPolicy> policies, Map<String, Map<String, String>> namespaceLabels) {
    this.policies = policies;
    this.namespaceLabels = namespaceLabels;
  }

  /** Every allowed "src -> dst:port/proto" among the endpoints, sources other than the destination. */
  TreeSet<String> flows(List<Endpoint> endpoints) {
    TreeSet<String> out = new TreeSet<>();
    for (Endpoint src : endpoints) {
      for (Endpoint dst : endpoints) {
        if (src == dst) {
          continue;
        }
        for (Port port : dst.ports()) {
          if (allowed(src, dst, port)) {
            out.add(src.name() + " -> " + dst.name() + ":" + port.number() + (port.protocol().equals("TCP") ? ""
                : "/" + port.protocol()));
          }
        }
      }
    }
    return out;
  }

  boolean allowed(Endpoint src, Endpoint dst, Port port) {
    return ingressAllows(src, dst, port) && egressAllows(src, dst, port);
  }

  private boolean ingressAllows(Endpoint src, Endpoint dst, Port port) {
    if (!dst.inCluster()) {
      return true;
    }
    List<NetworkPolicy> selecting = selecting(dst, "Ingress");
    if (selecting.isEmpty()) {
      return true;
    }
    return selecting.stream().anyMatch(p -> p.getSpec().getIngress() != null && p.getSpec().getIngress().stream()
        .anyMatch(rule -> peersMatch(rule.getFrom(), p, src) && portsMatch(rule.getPorts(), dst, port)));
  }

  private boolean egressAllows(Endpoint src, Endpoint dst, Port port) {
    if (!src.inCluster()) {
      return true;
    }
    List<NetworkPolicy> selecting = selecting(src, "Egress");
    if (selecting.isEmpty()) {
      return true;
    }
    return selecting.stream().anyMatch(p -> p.getSpec().getEgress() != null && p.getSpec().getEgress().stream()
        .anyMatch(rule -> peersMatch(rule.getTo(), p, dst) && portsMatch(rule.getPorts(), dst, port)));
  }

  private List<NetworkPolicy> selecting(Endpoint pod, String type) {
    return policies.stream()
        .filter(p -> p.getMetadata().getNamespace() == null || p.getMetadata().getNamespace().equals(pod.namespace()))
        .filter(p -> policyTypes(p).contains(type))
        .filter(p -> matches(p.getSpec().getPodSelector(), pod.labels()))
        .toList();
  }

  private static List<String> policyTypes(NetworkPolicy p) {
    if (p.getSpec().getPolicyTypes() != null && !p.getSpec().getPolicyTypes().isEmpty()) {
      return p.getSpec().getPolicyTypes();
    }
    return p.getSpec().getEgress() == null ? List.of("Ingress") : List.of("Ingress", "Egress");
  }

  private boolean peersMatch(List<NetworkPolicyPeer> peers, NetworkPolicy policy, Endpoint other) {
    if (peers == null || peers.isEmpty()) {
      return true;
    }
    String policyNs = policy.getMetadata().getNamespace() == null ? Chart.NAMESPACE : policy.getMetadata().getNamespace();
    for (NetworkPolicyPeer peer : peers) {
      if (peer.getIpBlock() != null) {
        if (!other.inCluster() && inBlock(peer.getIpBlock(), other.ip())) {
          return true;
        }
        continue;
      }
      if (!other.inCluster()) {
        continue;
      }
      boolean ns = peer.getNamespaceSelector() == null ? other.namespace().equals(policyNs)
          : matches(peer.getNamespaceSelector(), namespaceLabels.getOrDefault(other.namespace(), Map.of()));
      boolean pod = peer.getPodSelector() == null || matches(peer.getPodSelector(), other.labels());
      if (ns && pod) {
        return true;
      }
    }
    return false;
  }

  private static boolean portsMatch(List<NetworkPolicyPort> ports, Endpoint dst, Port port) {
    if (ports == null || ports.isEmpty()) {
      return true;
    }
    for (NetworkPolicyPort p : ports) {
      String protocol = p.getProtocol() == null ? "TCP" : p.getProtocol();
      if (!protocol.equals(port.protocol())) {
        continue;
      }
      IntOrString value = p.getPort();
      if (value == null) {
        return true;
      }
      if (value.getStrVal() != null) {
        if (value.getStrVal().equals(port.name())) {
          return true;
        }
        continue;
      }
      int first = value.getIntVal();
      int last = p.getEndPort() == null ? first : p.getEndPort();
      if (port.number() >= first && port.number() <= last) {
        return true;
      }
    }
    return false;
  }

  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    if (selector.getMatchLabels() != null
        && !labels.entrySet().containsAll(selector.getMatchLabels().entrySet())) {
      return false;
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        String v = labels.get(r.getKey());
        boolean ok = switch (r.getOperator()) {
          case "In" -> v != null && r.getValues().contains(v);
          case "NotIn" -> v == null || !r.getValues().contains(v);
          case "Exists" -> v != null;
          case "DoesNotExist" -> v == null;
          default -> throw new IllegalArgumentException("operator " + r.getOperator());
        };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean inBlock(IPBlock block, String ip) {
    if (ip == null) {
      return false;
    }
    if (!inCidr(block.getCidr(), ip)) {
      return false;
    }
    return block.getExcept() == null || block.getExcept().stream().noneMatch(e -> inCidr(e, ip));
  }

  private static boolean inCidr(String cidr, String ip) {
    try {
      String[] parts = cidr.split("/");
      byte[] net = InetAddress.getByName(parts[0]).getAddress();
      byte[] addr = InetAddress.getByName(ip).getAddress();
      if (net.length != addr.length) {
        return false;
      }
      int bits = Integer.parseInt(parts[1]);
      int total = net.length * 8;
      BigInteger mask = bits == 0 ? BigInteger.ZERO
          : BigInteger.ONE.shiftLeft(total).subtract(BigInteger.ONE).shiftRight(total - bits).shiftLeft(total - bits);
      return new BigInteger(1, net).and(mask).equals(new BigInteger(1, addr).and(mask));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(cidr, e);
    }
  }
}
