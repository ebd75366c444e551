import AscentTensor

/// The shipped RLHF task: short product reviews. Everything is generated from a fixed word
/// list and templates with a seed, so it is licence-clean, needs no download, and is small
/// enough to pre-train a model on in a minute on a laptop CPU.
///
/// A prompt is `review of the <product>:`; a response is one to three short sentences of
/// mixed sentiment, ended by `<|endoftext|>`. The pre-training corpus is whole reviews; the
/// supervised demonstrations are prompt–response pairs.
public enum ReviewTask {
    public static let products = ["phone", "laptop", "camera", "blender", "jacket", "kettle", "chair", "lamp", "headset",
                                  "backpack", "watch", "speaker", "tent", "bicycle", "printer", "toaster"]
    public static let aspects = ["battery", "screen", "price", "quality", "design", "delivery", "sound", "fit", "handle",
                                 "finish", "manual", "packaging", "size", "colour", "weight", "support"]
    public static let positiveWords = ["great", "excellent", "lovely", "reliable", "sturdy", "brilliant", "superb", "perfect",
                                       "comfortable", "pleasant", "solid", "impressive"]
    public static let negativeWords = ["terrible", "awful", "flimsy", "broken", "disappointing", "poor", "noisy", "useless",
                                       "cheap", "annoying", "weak", "faulty"]
    static let intensifiers = ["very", "really", "quite", "rather", "so"]
    static let openers = ["i think", "honestly", "overall", "to be fair", "in short", "sadly", "luckily"]

    public static func prompt(for product: String) -> String { "review of the \(product):" }

    /// One sentence whose sentiment is `positive` (true), negative (false) or neutral (nil).
    static func sentence(positive: Bool?, product: String, generator: inout RandomGenerator) -> String {
        func pick(_ words: [String]) -> String { words[generator.integer(below: words.count)] }
        let aspect = pick(aspects)
        let adjective: String
        switch positive {
        case .some(true): adjective = pick(positiveWords)
        case .some(false): adjective = pick(negativeWords)
        case .none: return ["the \(aspect) is as expected.", "it arrived on time.", "the \(product) does the job.",
                            "the \(aspect) is fine.", "nothing special about the \(aspect)."][generator.integer(below: 5)]
        }
        switch generator.integer(below: 4) {
        case 0: return "the \(aspect) is \(adjective)."
        case 1: return "the \(aspect) is \(pick(intensifiers)) \(adjective)."
        case 2: return "\(pick(openers)) the \(product) is \(adjective)."
        default: return "\(pick(openers)), the \(aspect) feels \(adjective)."
        }
    }

    /// A response: one to three sentences, each positive, negative or neutral at random.
    public static func response(product: String, generator: inout RandomGenerator) -> String {
        let count = 1 + generator.integer(below: 3)
        return (0..<count).map { _ in
            let kind = generator.integer(below: 3)
            return sentence(positive: kind == 0 ? true : kind == 1 ? false : nil, product: product, generator: &generator)
        }.joined(separator: " ")
    }

    /// `count` whole reviews (prompt, a space, response) for pre-training.
    public static func corpus(count: Int, seed: UInt64) -> [String] {
        var generator = RandomGenerator(seed: seed, stream: "review-corpus")
        return (0..<count).map { _ in
            let product = products[generator.integer(below: products.count)]
            return prompt(for: product) + " " + response(product: product, generator: &generator)
        }
    }

    /// `count` supervised demonstrations (prompt, response).
    public static func demonstrations(count: Int, seed: UInt64) -> [(prompt: String, response: String)] {
        var generator = RandomGenerator(seed: seed, stream: "review-demonstrations")
        return (0..<count).map { _ in
            let product = products[generator.integer(below: products.count)]
            return (prompt(for: product), " " + response(product: product, generator: &generator))
        }
    }

    /// Every prompt of the task.
    public static var prompts: [String] { products.map(prompt(for:)) }
}
