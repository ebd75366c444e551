import AscentTensor
import ArgumentParser
struct Demo: ParsableCommand { func run() {} }
