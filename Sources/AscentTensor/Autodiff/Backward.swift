import AscentKernels

extension Tensor {
    /// Back-propagates from this tensor, accumulating gradients into every leaf it depends on.
    ///
    /// - Parameter seed: the gradient of the final objective with respect to this
    ///   tensor; defaults to 1, which requires a one-element tensor (a loss).
    ///
    /// Gradients add up across uses of a value and across calls until cleared
    /// (``Parameter/zeroGradient()``). The graph is consumed: intermediate
    /// gradients and saved activations are freed.
    public func backward(_ seed: Tensor? = nil) {
        guard let node else { return }
        if let seed {
            precondition(seed.shape == shape, "backward: seed shape \(seed.shape) does not match tensor shape \(shape)")
            let buffer = node.gradientBuffer()
            for i in 0..<count { buffer[i] += seed.storage.pointer[i] }
        } else {
            precondition(count == 1, "backward: needs a seed gradient for a tensor of shape \(shape); only one-element tensors default to 1")
            node.gradientBuffer()[0] += 1
        }
        // The root keeps every node of its graph alive (through the edges) until the edges
        // are dropped, so the walk uses unretained references: no reference counting per node.
        // Edges are dropped inputs-first, so freeing a node never cascades down a long chain.
        let order = node.topologicalOrder()
        for current in order.reversed() {
            current._withUnsafeGuaranteedRef { $0.propagate() }
        }
        for current in order {
            current._withUnsafeGuaranteedRef { $0.releaseInputs() }
        }
        withExtendedLifetime(node) {}
    }
}

extension GradNode {
    /// Every node reachable from this one, inputs before the nodes that use them. The
    /// references are unretained: valid while this node (which reaches them all) lives.
    func topologicalOrder() -> [Unmanaged<GradNode>] {
        var order: [Unmanaged<GradNode>] = []
        order.reserveCapacity(64)
        let mark = GradNode.nextVisitMark()
        // Iterative depth-first post-order: deep graphs (long unrolled sequences) must not overflow the stack.
        var stack: [(node: Unmanaged<GradNode>, expanded: Bool)] = []
        stack.reserveCapacity(64)
        stack.append((Unmanaged.passUnretained(self), false))
        while let (entry, expanded) = stack.popLast() {
            if expanded {
                order.append(entry)
                continue
            }
            entry._withUnsafeGuaranteedRef { current in
                guard current.visitMark != mark else { return }
                current.visitMark = mark
                stack.append((entry, true))
                current.forEachInput { input in
                    if input.visitMark != mark { stack.append((Unmanaged.passUnretained(input), false)) }
                }
            }
        }
        return order
    }

    /// A traversal mark never used before, from a process-wide atomic counter, so
    /// concurrent backward passes on different threads never confuse their marks.
    static func nextVisitMark() -> UInt64 { ascent_next_sequence_number() }
}
