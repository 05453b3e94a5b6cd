"""Synthetic camera frames with QR codes: a card held up to a camera, with the noise, blur,
tilt and perspective a real one adds. Used by the camera tests and ``bench/qr_decode.py``."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import segno

Image = npt.NDArray[np.uint8]


def qr_image(text: str, module_px: int = 6) -> Image:
    """The code as black-on-white pixels with its 4-module quiet zone."""
    matrix = np.array([list(row) for row in segno.make(text, error="m", micro=False).matrix],
                      dtype=np.uint8)
    matrix = np.pad(matrix, 4)
    img = (1 - matrix) * 255
    return np.kron(img, np.ones((module_px, module_px), dtype=np.uint8)).astype(np.uint8)


def scene(text: str | None, size: tuple[int, int], rng: np.random.Generator, *,
          code_px: int = 260, angle: float = 0.0, blur: float = 0.0, noise: float = 0.0,
          perspective: float = 0.0) -> Image:
    """One BGR frame of ``size`` (w, h): a grey, slightly textured background with the code
    (``code_px`` wide) near the middle, turned by ``angle`` degrees, its corners pushed by up
    to ``perspective`` of its width, blurred (Gaussian sigma) and with pixel noise (sigma)."""
    width, height = size
    frame = np.full((height, width), 120, dtype=np.float32)
    frame += rng.normal(0, 6, (height, width)).astype(np.float32)  # sensor grain, always
    if text is not None:
        code = qr_image(text)
        code = np.asarray(cv2.resize(code, (code_px, code_px), interpolation=cv2.INTER_AREA),
                          dtype=np.uint8)
        half = code_px / 2
        cx = width / 2 + rng.uniform(-0.1, 0.1) * width
        cy = height / 2 + rng.uniform(-0.1, 0.1) * height
        corners = np.array([[-half, -half], [half, -half], [half, half], [-half, half]],
                           dtype=np.float32)
        corners += rng.uniform(-perspective, perspective, corners.shape).astype(
            np.float32) * code_px
        theta = np.deg2rad(angle)
        rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]],
                       dtype=np.float32)
        target = corners @ rot.T + np.array([cx, cy], dtype=np.float32)
        source = np.array([[0, 0], [code_px, 0], [code_px, code_px], [0, code_px]],
                          dtype=np.float32)
        warp = cv2.getPerspectiveTransform(source, target.astype(np.float32))
        # Printed card: white paper at 230, ink at 30, under the camera's light.
        card = 30 + code.astype(np.float32) * (200 / 255)
        pasted = cv2.warpPerspective(card, warp, (width, height), flags=cv2.INTER_LINEAR,
                                     borderValue=-1.0)
        mask = cv2.warpPerspective(np.ones_like(card), warp, (width, height))
        frame = np.where(mask > 0.5, pasted, frame)
    if blur > 0:
        frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), blur), dtype=np.float32)
    if noise > 0:
        frame += rng.normal(0, noise, frame.shape).astype(np.float32)
    gray = np.clip(frame, 0, 255).astype(np.uint8)
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR).astype(np.uint8)


def card_in_hand(text: str | None, size: tuple[int, int], rng: np.random.Generator) -> Image:
    """A readable frame of a card held by a person: a little tilt, blur and noise."""
    return scene(text, size, rng, angle=rng.uniform(-25, 25), blur=rng.uniform(0.3, 1.0),
                 noise=rng.uniform(2, 8), perspective=rng.uniform(0, 0.04))


def hard_frames(text: str, size: tuple[int, int], count: int, seed: int) -> list[Image]:
    """A fixed, seeded set of difficult frames: strong rotation, blur, noise and perspective,
    a small code. Some are unreadable for any decoder; that is the point."""
    rng = np.random.default_rng(seed)
    frames = []
    for _ in range(count):
        frames.append(scene(text, size, rng, code_px=int(rng.uniform(170, 300)),
                            angle=rng.uniform(-180, 180), blur=rng.uniform(0.8, 2.0),
                            noise=rng.uniform(6, 22), perspective=rng.uniform(0.02, 0.12)))
    return frames


def write_video(path: Path, frames: list[Image], fps: float = 30.0) -> None:
    """Motion-JPEG AVI, which OpenCV can both write and read without extra codecs."""
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"cannot write {path}")
    for frame in frames:
        writer.write(frame)
    writer.release()


def write_image_sequence(folder: Path, frames: list[Image]) -> str:
    """PNG frames named frame_0000.png ...; returns the printf pattern for VideoCapture."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, frame in enumerate(frames):
        cv2.imwrite(str(folder / f"frame_{index:04d}.png"), frame)
    return str(folder / "frame_%04d.png")
