import AscentTensor
import ArgumentParser
struct Demo: ParsableCommand { func run() {} }
struct Bench: ParsableCommand { func run() {} }
