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
        for current in node.topologicalOrder().reversed() {
            guard !current.isLeaf else { continue }
            if let grad = current.grad {
                current.backward?(grad)
            }
            current.release()
        }
    }
}

extension GradNode {
    /// Every node reachable from this one, inputs before the nodes that use them.
    func topologicalOrder() -> [GradNode] {
        var order: [GradNode] = []
        let mark = GradNode.nextVisitMark()
        // Iterative depth-first post-order: deep graphs (long unrolled sequences) must not overflow the stack.
        var stack: [(node: GradNode, expanded: Bool)] = [(self, false)]
        while let (current, expanded) = stack.popLast() {
            if expanded {
                order.append(current)
                continue
            }
            guard current.visitMark != mark else { continue }
            current.visitMark = mark
            stack.append((current, true))
            for input in current.inputs where input.visitMark != mark {
                stack.append((input, false))
            }
        }
        return order
    }

    /// A traversal mark never used before, from a process-wide atomic counter, so
    /// concurrent backward passes on different threads never confuse their marks.
    static func nextVisitMark() -> UInt64 { ascent_next_sequence_number() }
}
