"""The bundled lesson that walks the whole CNN lecture in order: ``resources/lessons/lecture.json``.

The file is built from this module (texts in our own words, inputs from
:mod:`playground.lessons.lecture_scenes`), so the worked numbers cannot drift from the engine's;
``python -m playground.lessons.lecture_lesson`` rewrites it, and a test checks the two agree.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playground.lessons import lecture_scenes as ls
from playground.lessons.schema import (
    SCENE_VIEWS,
    Action,
    Lesson,
    LessonScene,
    Question,
    save_lesson,
)

NAME = "lecture"
FILE = "lessons/lecture.json"


def _s(title: str, text: str, notes: str = "", **kw) -> LessonScene:
    """A lesson scene whose Playground scene (if any) has the same lower view in front."""
    scene, view = kw.get("scene"), kw.get("view", "")
    if scene is not None and view in SCENE_VIEWS:
        kw["scene"] = scene.replace(view=SCENE_VIEWS[view])
    return LessonScene(title, text, notes, **kw)


def _dense() -> list[LessonScene]:
    return [
        _s("From dense layers to convolutions",
           "A dense (fully connected) layer gives every hidden unit its own weight for every "
           "input number: q = Wᵀx + b, then ReLU keeps only the positive part, max(0, q). "
           "Stack a few of these and finish with a linear classifier.",
           "Recap of the previous lecture. Ask who remembers what ReLU does to a negative score.",
           scene=ls.six_maps_scene(), tab="network"),
        _s("A hidden unit is a template",
           "Flatten a 28x28 digit and each first-layer unit holds 784 weights: shown as a 28x28 "
           "picture, that is a template. The unit's score is the dot product of the digit with "
           "its template, large when they look alike and close to zero (after ReLU) when not.",
           "Point at two or three templates and guess which digit parts they like. For centred "
           "data the dot product behaves like a covariance.",
           tab="network", view="templates",
           question=Question("After ReLU, what does a unit output when the digit does not look "
                             "like its template?", "zero", "reveal")),
        _s("Templates are tied to one place",
           "Several threes share the same prong shape, but drawn a few pixels to the left or "
           "right it hits different weights. A dense template does not move with the pattern: "
           "it has no translation invariance.",
           "Shift a digit in the invariance view and watch the dense network's answer change.",
           tab="network", view="invariance"),
        _s("Colour: three numbers per pixel",
           "A colour picture stores red, green and blue for every pixel, each 0 to 255 (here "
           "scaled to 0..1). Mixed together they make almost any colour. The picture below is "
           "64x64 pixels, so 3 x 64 x 64 = 12,288 numbers.",
           "Step through the three channels: the parrot's body is bright in red only, the "
           "sky is bright in all three.",
           scene=ls.rgb_scene(), view="channels", highlight=("canvas",)),
        _s("Dense layers on pictures: too many weights",
           "A small 28x28 colour picture already has 28 x 28 x 3 = 2,352 numbers. For 100,000 "
           "such pictures that is about 235 million inputs in all, and a first layer of 128 "
           "units needs 2,352 x 128 = 301,056 weights.",
           "The point: the parameter count grows with the picture size times the layer width.",
           question=Question("How many weights does ONE dense unit need for a 28x28x3 "
                             "picture?", "2,352", "number")),
    ]


def _conv_idea() -> list[LessonScene]:
    return [
        _s("The convolutional idea",
           "Cut the picture into small overlapping patches (say 5x5) and compare every patch "
           "with K small templates, the filters. One filter is slid over every position; the "
           "scores, after ReLU, form a new picture: a feature map.",
           "Two promises to keep in mind: the same filter everywhere gives translation "
           "invariance, and a filter has very few weights.",
           scene=ls.prong_scene(), view="stepper", highlight=("kernel", "maps"), steps=0),
        _s("75 weights instead of 2,352",
           "One dense unit looking at a 28x28x3 picture needs 2,352 weights. A 5x5x3 filter "
           "slid over the same picture needs 5 x 5 x 3 = 75, whatever the picture's size.",
           "Read both numbers off the cost panel.",
           scene=ls.unit_vs_filter_scene(), view="cost", highlight=("cost",),
           question=Question("How many weights has one 5x5 filter on a 3-channel picture?",
                             "75", "number")),
        _s("Deep learning's 'convolution' is cross-correlation",
           "Mathematicians flip the kernel before sliding it; neural-network libraries (and this "
           "app) do not. Each output is simply the sum of the window times the kernel, entry by "
           "entry.",
           "Only matters when comparing with a signal-processing textbook.",
           scene=ls.vector_scene(), view="stepper_1d"),
        _s("1-D: [1,2,3,4,5,6] ⊛ [1,2] = [5,8,11,14,17]",
           "Lay the kernel [1, 2] on the first two numbers: 1·1 + 2·2 = 5. Move it one place: "
           "2·1 + 3·2 = 8, then 3·1 + 4·2 = 11, 14 and 17. Six numbers and a kernel of two give "
           "6 − 2 + 1 = 5 outputs: the output is shorter than the input.",
           "Click through the five windows; let the class call out each sum before it shows.",
           view="stepper_1d", highlight=("canvas", "kernel", "maps"), steps=5,
           question=Question("What is the last output?", "17", "number")),
        _s("2-D: A (3x3) ⊛ W (2x2), symbol by symbol",
           "With A = [[a11 a12 a13], [a21 a22 a23], [a31 a32 a33]] and W = [[w11 w12], [w21 "
           "w22]], the first output is c11 = a11·w11 + a12·w12 + a21·w21 + a22·w22. Move W one "
           "column right for c12, one row down for c21, and to the corner for c22. Here A holds "
           "1..9 and W is all ones: C = [[12, 16], [24, 28]].",
           "Walk the four windows c11, c12, c21, c22: first in symbols, then in numbers. A high "
           "value means the patch looks like the kernel.",
           scene=ls.matrix_a_scene(), view="symbolic", highlight=("canvas", "kernel", "maps"),
           steps=4,
           question=Question("What is c12 (A = 1..9, W all ones)?", "16", "number")),
    ]


def _sizes() -> list[LessonScene]:
    def exercise(n: int, rows: int, cols: int, f: int, answer: str) -> LessonScene:
        return _s(f"Size exercise {n}: {rows}x{cols} input, {f}x{f} filter",
                  f"No padding, stride 1: the filter must stay inside the {rows}x{cols} input. "
                  "How many positions are there down and across?",
                  f"The answers are hidden (Ctrl+H) until someone answers. Answer: {answer}.",
                  scene=ls.exercise_scene(rows, cols, f).replace(hide_answers=True),
                  view="formula",
                  highlight=("canvas", "kernel"),
                  question=Question(f"Output size of a {rows}x{cols} input and a {f}x{f} "
                                    "filter?", answer, "size"))

    return [
        exercise(1, 4, 4, 2, "3x3"),
        exercise(2, 4, 4, 3, "2x2"),
        exercise(3, 4, 3, 2, "3x2"),
        _s("The rule: (n − f + 1) per side",
           "An n_h x n_w input and an f_h x f_w filter without padding give (n_h − f_h + 1) x "
           "(n_w − f_w + 1) outputs: the filter has n − f + 1 places to sit along each side. A "
           "28x28 digit with a 5x5 filter gives 24x24.",
           "Check the three exercises against the rule: 3x3, 2x2, 3x2.",
           scene=ls.valid_digit_scene(), view="formula", highlight=("formula",),
           question=Question("A 28x28 digit and a 5x5 filter, no padding?", "24x24", "size")),
        _s("Same padding: a border of zeros",
           "To keep the output as large as the input, surround the input with zeros: p rows on "
           "top and bottom, p columns left and right. No new information comes in, but the "
           "size becomes (n + 2p − f + 1). Here A (3x3) gets one ring of zeros, so a 3x3 "
           "filter gives a 3x3 output, one value centred on each pixel.",
           "Step through the nine windows: at the edges part of the filter lies on zeros.",
           scene=ls.padded_a_scene(), view="stepper", highlight=("canvas", "layer"), steps=9),
        _s("How much padding? p = (f − 1)/2",
           "Setting n + 2p − f + 1 = n gives p = (f − 1)/2: one ring for a 3x3 filter, two for "
           "5x5. It is a whole number only for odd f, which is one reason filters are usually "
           "3x3 or 5x5: an odd filter has a centre pixel.",
           "Let the class solve n + 2p − f + 1 = n for p before showing the answer.",
           scene=ls.prong_scene(), view="formula", highlight=("layer", "formula"),
           question=Question("Which p keeps a 5x5 filter's output the size of its input?", "2",
                             "number")),
    ]


def _filters() -> list[LessonScene]:
    return [
        _s("A hand-made filter for the prongs of a 3",
           "Back to the threes. This 5x5 filter has a strong positive centre (16) surrounded by "
           "negative weights: it is meant to fire at the left-hand tips of a 3. One filter "
           "gives one feature map.",
           "It works only partly: it responds along the edges of the strokes more than at the "
           "prong tips. Hand design is hard, which motivates learning the weights.",
           scene=ls.prong_scene(), view="stepper", highlight=("kernel", "maps")),
        _s("K filters, K feature maps",
           "A convolutional layer applies K filters, each with its own bias: map k = W_k ⊛ X + "
           "b_k. Here K = 6: the prong, four oriented edges and a blur, giving six maps of the "
           "same 3.",
           "Trained first layers on grey digits learn much the same thing: oriented edges and "
           "outlines.",
           scene=ls.six_maps_scene(), view="stepper", highlight=("maps",),
           question=Question("How many feature maps do 6 filters give?", "6", "number")),
        _s("Six filters, few weights",
           "Six 5x5 filters hold 5 x 5 x 6 = 150 weights (plus 6 biases). A dense layer with "
           "only 6 units on the same 28x28 digit needs 784 x 6 = 4,704.",
           "The filter weights are learnt by backpropagation, just like dense weights.",
           view="cost", highlight=("cost",),
           question=Question("Weights of a dense layer with 6 units on a 28x28 digit?",
                             "4,704", "number")),
        _s("Learn the filters from the data",
           "Instead of designing filters, let training choose them. Start a short run of "
           "LeNet5Small (six 5x5 filters, pooling, one dense layer) and watch its first-layer "
           "filters and the accuracy curve.",
           "One epoch on the bundled digits takes a few seconds; look at the loss dropping and "
           "the filters turning into stroke detectors.",
           tab="network", action=Action("train", "lenet5-small", 1)),
    ]


def _stride_pool() -> list[LessonScene]:
    return [
        _s("Neighbouring outputs are nearly the same",
           "Look at the values of a feature map: next to each other they hardly change, because "
           "two neighbouring windows share almost all their pixels. Much of the map is "
           "redundant.",
           "Draw two overlapping 5x5 windows on the board: 20 of their 25 pixels are shared.",
           scene=ls.six_maps_scene(), view="stepper", highlight=("maps",)),
        _s("Strided convolution: the lecture's size form",
           "Move the filter s places at a time instead of one. The output shrinks to "
           "(n + 2p − f + s)/s per side. Here n = 5, f = 3, p = 1, s = 2: (5 + 2 − 3 + 2)/2 = 3, "
           "so a 3x3 output.",
           "Fewer positions means less work; the price is some resolution (and a little "
           "accuracy).",
           scene=ls.strided_matrix_scene(), view="formula", highlight=("layer", "formula"),
           question=Question("5x5 input, 3x3 filter, p = 1, stride 2: output size?", "3x3",
                             "size")),
        _s("When the stride does not fit: the floor form",
           "The app (like PyTorch) uses floor((n + 2p − f)/s) + 1. It agrees with the lecture's "
           "(n + 2p − f + s)/s whenever s divides n + 2p − f. Here it does not: a 28x28 digit, "
           "f = 5, p = 2, s = 2 gives (28 + 4 − 5 + 2)/2 = 14.5 in the lecture's form, but "
           "floor(27/2) + 1 = 14: the last padded column is never reached. Rounding the "
           "lecture's form down gives the same 14.",
           "The formula panel writes the floor form with these numbers and marks in red the "
           "padded row and column no window reaches; write the lecture's form beside it.",
           scene=ls.strided_digit_scene(), view="formula", highlight=("formula",),
           question=Question("28x28, 5x5 filter, p = 2, stride 2: output size?", "14x14",
                             "size")),
        _s("Max pooling",
           "A pooling layer summarises each K x K window of a feature map with one number; max "
           "pooling keeps the largest. With A = [[1,2,3],[4,5,6],[7,8,9]], a 2x2 window and "
           "stride 1: [[5, 6], [8, 9]]. Pooling has no weights to learn.",
           "The input goes through a 1x1 kernel of weight 1 so the maps show A itself, then the "
           "2x2 max pool.",
           scene=ls.pool_scene("max"), highlight=("layer", "maps"),
           question=Question("What is max pooling of A with a 2x2 window, stride 1?",
                             "[[5, 6], [8, 9]]", "reveal")),
        _s("Average pooling",
           "Average pooling returns the mean of each window instead. On the same A with a 2x2 "
           "window and stride 1: [[3, 4], [6, 7]]. With stride equal to the window (s = K) the "
           "windows do not overlap and split the map into tiles.",
           "Max pooling keeps the strongest signal; the average smooths it.",
           scene=ls.pool_scene("avg"), highlight=("layer", "maps"),
           question=Question("Average of the top-left window (1, 2, 4, 5)?", "3", "number")),
        _s("The pooled size: (H − K)/s + 1",
           "An H x W map pooled with a K x K window and stride s gives (H − K)/s + 1 by "
           "(W − K)/s + 1 (rounded down). The lecture notes print (H − K)/(s + 1): that is a "
           "misprint. Check it: 28x28 maps, K = 2, s = 2 give (28 − 2)/2 + 1 = 14, while the "
           "misprinted form would say 26/3 ≈ 8.7.",
           "Also check A: 3x3, K = 2, s = 1 gives 2x2, as on the max-pooling slide; the "
           "misprint would give 0.5.",
           scene=ls.pooled_size_scene(), view="formula", highlight=("formula",),
           question=Question("28x28 maps, 2x2 pooling, stride 2: pooled size?", "14x14",
                             "size")),
        _s("Pooling LeNet5Small's maps",
           "After convolution and ReLU, 2x2 max pooling halves each map (28x28 to 14x14), keeps "
           "the bright (activated) pixels and drops the redundancy.",
           "Compare the maps before and after pooling.",
           scene=ls.six_maps_scene(pool=True), view="stepper", highlight=("maps",)),
    ]


def _deeper() -> list[LessonScene]:
    return [
        _s("Filters on a colour picture: C x K x K",
           "After a first layer, K maps of H x W can be read as one new picture with K "
           "channels. Any filter on a C-channel input spans all channels: its size is "
           "C x K x K, its depth always equal to the input's channels. On this RGB picture each "
           "filter is 3x5x5; the first likes red (and dislikes green and blue), the second "
           "finds vertical edges in all three channels.",
           "Show the per-channel products in the channels view, then the summed map.",
           scene=ls.rgb_scene(), view="channels", highlight=("kernel", "maps")),
        _s("The shape of a CNN",
           "Modern CNNs repeat convolution + ReLU + pooling a few times, flatten the last maps "
           "into one long vector, and finish with one or two dense layers and the output layer.",
           "Input: 1 or 3 channels. The convolutions find local patterns, the dense layers "
           "combine them.",
           tab="network"),
        _s("LeNet-5 (1998)",
           "The classic network for handwritten digits: 28x28 input → 6 filters 5x5 with p = 2 "
           "→ 6x28x28 → max pool → 6x14x14 → 16 filters 5x5x6 → 16x10x10 → max pool → 16x5x5 "
           "= 400 → dense 120 → dense 84 → 10 classes. About 61,706 parameters, most of them in "
           "the first dense layer (48,120).",
           "Walk the layer list in the network tab; the conv layers are tiny in weights but "
           "heavy in computation.",
           tab="network"),
        _s("What a convolution layer costs: 768,000",
           "A 3x32x32 picture, 10 filters of 5x5x3, same padding: the output is 10x32x32. "
           "Weights: 10 x 3 x 5 x 5 = 750, plus 10 biases. Each output value takes 75 "
           "multiply-adds, there are 32 x 32 = 1,024 positions per filter, so 75 x 1,024 x 10 "
           "= 768,000 multiply-adds for one picture and one layer.",
           "This is why GPUs matter for CNNs: the convolutions, not the dense layers, dominate "
           "the work.",
           scene=ls.ops_scene(), view="cost", highlight=("cost",),
           question=Question("How many multiply-adds for one picture?", "768,000", "number")),
        _s("Race: FCNN against LeNet-5",
           "Train the dense network and LeNet-5 side by side on the same digits. Look at the "
           "validation accuracy of both curves and at the time each run takes: the CNN does "
           "more arithmetic per digit, yet it learns more per epoch and ends more accurate.",
           "Keep the run short (one epoch). Point at the gap between the two validation curves.",
           tab="network", action=Action("race", "lenet5", 1)),
        _s("Translation invariance, at last",
           "Shift a digit a few pixels. The dense network's answer wobbles because its "
           "templates are fixed in place; the CNN's filters slide with the pattern, and pooling "
           "absorbs small shifts, so its answer stays.",
           "Use the arrow buttons of the invariance view; compare both networks' confidence.",
           # a digit three to shift (not the cost scene's colour picture, still in force)
           scene=ls.six_maps_scene(), tab="network", view="invariance"),
    ]


def build() -> Lesson:
    """The whole lecture as one lesson, in the lecture's order."""
    scenes = _dense() + _conv_idea() + _sizes() + _filters() + _stride_pool() + _deeper()
    return Lesson(NAME, "Convolutional neural networks: the whole lecture", tuple(scenes))


def main(argv: list[str] | None = None) -> int:
    """Writes the lesson (and the RGB picture it embeds, if missing) into the resources."""
    from playground.paths import resource_dir

    root = Path((argv or sys.argv[1:] or [str(resource_dir())])[0])
    png = root / ls.PARROT
    if not png.exists():
        png.parent.mkdir(parents=True, exist_ok=True)
        ls.write_parrot(png)
    (root / FILE).parent.mkdir(parents=True, exist_ok=True)
    save_lesson(build(), root / FILE)
    print(f"wrote {root / FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
