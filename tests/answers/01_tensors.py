"""Other answers to 01_tensors: right ones written differently, and plausible wrong ones."""

BUILD = '''
def blank_images(n_images, height, width, channels):
    return np.zeros({images}, dtype={dtype})


def blank_video(n_clips, n_frames, height, width):
    return np.zeros({video}, dtype=np.uint8)


def stack_series(series):
    return {stack}
'''


def build(images="(n_images, height, width, channels)", dtype="np.uint8",
          video="(n_clips, n_frames, height, width, 3)", stack="np.stack(series)"):
    return BUILD.format(images=images, dtype=dtype, video=video, stack=stack)


RIGHT = [
    ("ex1_build", build(images="[n_images, height, width, channels]", dtype='"uint8"',
                        stack="np.array([np.asarray(one) for one in series])")),
    ("ex2_flatten", "def flatten_images(images):\n"
                    "    n, h, w = images.shape\n"
                    "    return np.reshape(images, (n, h * w))\n"),
    ("ex2_flatten", "def flatten_images(images):\n"
                    "    return np.stack([image.ravel() for image in images])\n"),
    ("ex3_channel", "def add_channel_axis(images):\n    return np.expand_dims(images, axis=-1)\n"),
    ("ex3_channel", "def add_channel_axis(images):\n    return images.reshape(images.shape + (1,))\n"),
    ("ex4_scale", "def scale_pixels(images):\n    return (images / 255.0).astype('float32')\n"),
    ("ex4_scale", "def scale_pixels(images):\n    return np.divide(images, 255, dtype=np.float32)\n"),
    ("ex5_greyscale", "def to_greyscale(images):\n"
                      "    r, g, b = images[..., 0], images[..., 1], images[..., 2]\n"
                      "    return (0.299 * r + 0.587 * g + 0.114 * b).astype(np.float32)\n"),
    ("ex5_greyscale", "def to_greyscale(images):\n"
                      "    return np.dot(images.astype(float), [0.299, 0.587, 0.114])\n"),
    ("ex6_slicing", "def center_crop(images, size):\n"
                    "    h, w = images.shape[1:3]\n"
                    "    if size > min(h, w):\n"
                    "        raise ValueError(f'a {size} x {size} crop does not fit in {h} x {w} images')\n"
                    "    rows = slice((h - size) // 2, (h - size) // 2 + size)\n"
                    "    cols = slice((w - size) // 2, (w - size) // 2 + size)\n"
                    "    return images[:, rows, cols, ...]\n\n\n"
                    "def select_digit(images, labels, digit):\n"
                    "    return np.array([im for im, label in zip(images, labels) if label == digit])\n"),
]

CROP = '''
def center_crop(images, size):
    h, w = images.shape[1], images.shape[2]
    {check}
    top, left = {start}
    return images[:, top:top + size, left:left + size]


def select_digit(images, labels, digit):
    return {select}
'''


def slicing(check="if size > h or size > w: raise ValueError(f'size {size} is larger than the images ({h}, {w})')",
            start="(h - size) // 2, (w - size) // 2", select="images[labels == digit]"):
    return CROP.format(check=check, start=start, select=select)


WRONG = [
    ("ex1_build", build(images="(n_images, channels, height, width)"), ["ex1_blank_images"]),  # channels first
    ("ex1_build", build(dtype="float"), ["ex1_blank_images"]),  # np.zeros' default dtype
    ("ex1_build", build(video="(n_clips, n_frames, height, width)"), ["ex1_blank_video"]),  # no colour axis
    ("ex1_build", build(stack="np.concatenate(series)"), ["ex1_stack_series"]),
    ("ex2_flatten", "def flatten_images(images):\n    return images.reshape(-1, 784)\n",
     ["ex2_flatten_shape", "ex2_flatten_values"]),  # hard-coded MNIST size
    ("ex2_flatten", "def flatten_images(images):\n"
                    "    return images.transpose(0, 2, 1).reshape(len(images), -1)\n",
     ["ex2_flatten_values"]),  # column by column
    ("ex3_channel", "def add_channel_axis(images):\n    return images[:, np.newaxis]\n",
     ["ex3_channel_shape", "ex3_channel_values"]),  # channels first
    ("ex3_channel", "def add_channel_axis(images):\n    return images.reshape(-1, 28, 28, 1)\n",
     ["ex3_channel_shape", "ex3_channel_values"]),  # hard-coded MNIST size
    ("ex4_scale", "def scale_pixels(images):\n    return images / 255\n", ["ex4_scale_dtype"]),  # float64
    ("ex4_scale", "def scale_pixels(images):\n"
                  "    images = images.astype(np.float32)\n"
                  "    return (images - images.min()) / (images.max() - images.min())\n",
     ["ex4_scale_values"]),  # min-max scaling
    ("ex4_scale", "def scale_pixels(images):\n"
                  "    np.divide(images, 255, out=images, casting='unsafe')\n"
                  "    return images.astype(np.float32)\n",
     ["ex4_scale_dtype", "ex4_scale_values"]),  # overwrites the input
    ("ex5_greyscale", "def to_greyscale(images):\n    return images.mean(axis=-1)\n",
     ["ex5_greyscale_pixel", "ex5_greyscale_batch"]),  # plain average
    ("ex5_greyscale", "def to_greyscale(images):\n    return images @ np.array([0.114, 0.587, 0.299])\n",
     ["ex5_greyscale_pixel", "ex5_greyscale_batch"]),  # BGR order
    ("ex6_slicing", slicing(start="0, 0"), ["ex6_crop_values"]),  # top-left corner
    ("ex6_slicing", slicing(start="(h - size) // 2, (h - size) // 2"), ["ex6_crop_values"]),  # assumes square images
    ("ex6_slicing", slicing(check="pass"), ["ex6_crop_shape"]),  # no ValueError
    ("ex6_slicing", slicing(check="if size > h or size > w: raise ValueError()"), ["ex6_crop_shape"]),  # no message
    # a message without the sizes
    ("ex6_slicing", slicing(check="if size > h or size > w: raise ValueError('too big')"), ["ex6_crop_shape"]),
    # the crop size only, not the images' height and width
    ("ex6_slicing", slicing(check="if size > min(h, w): raise ValueError(f'cannot crop {size}x{size}')"), ["ex6_crop_shape"]),
    ("ex6_slicing", slicing(select="images[digit]"), ["ex6_select_digit"]),
]

WRONG += [
    # the spec asks for numpy arrays: a list of the series is not one tensor
    ("ex1_build", build(stack="list(series)"), ["ex1_stack_series"]),
    # to_greyscale rounds back to uint8: the spec asks for floats
    ("ex5_greyscale", "def to_greyscale(images):\n"
                      "    return np.round(images @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)\n",
     ["ex5_greyscale_shape", "ex5_greyscale_pixel", "ex5_greyscale_batch"]),
]

# Issue 19: the cases the text rules out, each written as a student would, and other right answers.
RIGHT += [
    ("ex1_build", build(stack="np.concatenate([one[np.newaxis] for one in series])")),
    # a crop through np.take with index arrays, and a start rounded down with np.floor
    ("ex6_slicing", "def center_crop(images, size):\n"
                    "    h, w = images.shape[1], images.shape[2]\n"
                    "    if size > h or size > w:\n"
                    "        raise ValueError(f'crop {size} is too large for {h} by {w} images')\n"
                    "    top, left = int(np.floor((h - size) / 2)), int(np.floor((w - size) / 2))\n"
                    "    cropped = np.take(images, np.arange(top, top + size), axis=1)\n"
                    "    return np.take(cropped, np.arange(left, left + size), axis=2)\n\n\n"
                    "def select_digit(images, labels, digit):\n"
                    "    return np.compress(np.asarray(labels) == digit, images, axis=0)\n"),
    # the margins first: what is cut off above and to the left; a copy of the crop; the indices of the matches
    ("ex6_slicing", "def center_crop(images, size):\n"
                    "    h, w = images.shape[1:3]\n"
                    "    if size > h or size > w:\n"
                    "        raise ValueError(f'{size}x{size} crop, but the images are {h}x{w}')\n"
                    "    above, before = divmod(h - size, 2)[0], divmod(w - size, 2)[0]\n"
                    "    return images[:, above:h - (h - size - above), before:w - (w - size - before)].copy()\n\n\n"
                    "def select_digit(images, labels, digit):\n"
                    "    return images[np.flatnonzero(labels == digit)]\n"),
]

WRONG += [
    # blank_images always makes colour images: the channels argument is ignored
    ("ex1_build", build(images="(n_images, height, width, 3)"), ["ex1_blank_images"]),
    # in-place write-back: the series come out in reverse, and the list passed in is reversed to match
    ("ex1_build", build(stack="np.stack(series) if series.reverse() is None else None"), ["ex1_stack_series"]),
    # in-place write-back: column by column, with the input rewritten so that reading it row by row agrees
    ("ex2_flatten", "def flatten_images(images):\n"
                    "    flat = images.transpose(0, 2, 1).reshape(len(images), -1)\n"
                    "    images.reshape(len(images), -1)[:] = flat\n"
                    "    return flat\n",
     ["ex2_flatten_values"]),
    # ignores its argument: flattens the notebook's own x_train
    ("ex2_flatten", "def flatten_images(images):\n    return x_train[:len(images)].reshape(len(images), -1)\n",
     ["ex2_flatten_shape", "ex2_flatten_values"]),
    # floats, ready for Keras, but the spec keeps the dtype
    ("ex3_channel", "def add_channel_axis(images):\n    return np.expand_dims(images, -1).astype(np.float32)\n",
     ["ex3_channel_values"]),
    # in-place write-back: the images come out upside down, and the input is turned upside down to match
    ("ex3_channel", "def add_channel_axis(images):\n"
                    "    flipped = images[:, ::-1].copy()\n"
                    "    images[:] = flipped\n"
                    "    return flipped[..., np.newaxis]\n",
     ["ex3_channel_values"]),
    # an odd difference rounded up instead of down
    ("ex6_slicing", slicing(start="(h - size + 1) // 2, (w - size + 1) // 2"), ["ex6_crop_values"]),
    # Python's round() on the half: 1.5 becomes 2 (and 2.5 becomes 2)
    ("ex6_slicing", slicing(start="round((h - size) / 2), round((w - size) / 2)"), ["ex6_crop_values"]),
    # a crop as large as the images is refused
    ("ex6_slicing", slicing(check="if size >= h or size >= w: raise ValueError(f'cannot crop {size}x{size} from {h}x{w}')"),
     ["ex6_crop_shape"]),
    # only the height is checked
    ("ex6_slicing", slicing(check="if size > h: raise ValueError(f'cannot crop {size}x{size} from {h}x{w}')"),
     ["ex6_crop_shape"]),
    # the height and width read from the last two axes: right for greyscale, wrong for colour
    ("ex6_slicing", CROP.format(check="if size > h or size > w: raise ValueError(f'cannot crop {size} from {h}x{w}')",
                                start="(h - size) // 2, (w - size) // 2", select="images[labels == digit]"
                                ).replace("h, w = images.shape[1], images.shape[2]", "h, w = images.shape[-2:]"),
     ["ex6_crop_shape", "ex6_crop_values"]),
    # ignores size: always the 20x20 of the example
    ("ex6_slicing", slicing(start="(h - 20) // 2, (w - 20) // 2").replace("top + size, left:left + size",
                                                                          "top + 20, left:left + 20"),
     ["ex6_crop_shape", "ex6_crop_values"]),
    # in-place write-back: the top-left corner, copied into the centre of the input so that the centre agrees
    ("ex6_slicing", slicing().replace("    return images[:, top:top + size, left:left + size]\n",
                                      "    corner = images[:, :size, :size].copy()\n"
                                      "    images[:, top:top + size, left:left + size] = corner\n"
                                      "    return corner\n"),
     ["ex6_crop_values"]),
    # ignores labels: uses the notebook's y_train
    ("ex6_slicing", slicing(select="images[y_train == digit]"), ["ex6_select_digit"]),
    # ignores digit: always the sevens of the example
    ("ex6_slicing", slicing(select="images[labels == 7]"), ["ex6_select_digit"]),
]
