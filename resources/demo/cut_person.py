# Cuts the person out of darknet's person.jpg (see ATTRIBUTION.md) into person.png with an alpha matte.
import cv2, numpy as np
import os, sys
here = os.path.dirname(os.path.abspath(__file__))
img = cv2.imread(os.path.join(here, '../../../shared/testdata/person.jpg'))
if img is None: sys.exit('person.jpg not found in ../shared/testdata')
x1,y1,x2,y2 = 189,97,277,374
mx, my = 25, 12
X1,Y1,X2,Y2 = max(0,x1-mx), max(0,y1-my), min(img.shape[1],x2+mx), min(img.shape[0],y2+my)
crop = img[Y1:Y2, X1:X2].copy()
mask = np.zeros(crop.shape[:2], np.uint8)
rect = (x1-X1, y1-Y1, x2-x1, y2-y1)
bgd = np.zeros((1,65),np.float64); fgd = np.zeros((1,65),np.float64)
cv2.grabCut(crop, mask, rect, bgd, fgd, 8, cv2.GC_INIT_WITH_RECT)
fg = np.where((mask==cv2.GC_FGD)|(mask==cv2.GC_PR_FGD), 255, 0).astype(np.uint8)
# keep the largest component, smooth the edge
n, lab, stats, _ = cv2.connectedComponentsWithStats(fg)
if n > 1:
    big = 1 + np.argmax(stats[1:, cv2.CC_STAT_AREA]); fg = np.where(lab==big, 255, 0).astype(np.uint8)
fg = cv2.morphologyEx(fg, cv2.MORPH_CLOSE, np.ones((5,5),np.uint8))
fg = cv2.GaussianBlur(fg, (3,3), 0)
ys, xs = np.where(fg > 0)
bx1,by1,bx2,by2 = xs.min(), ys.min(), xs.max()+1, ys.max()+1
rgba = cv2.cvtColor(crop, cv2.COLOR_BGR2BGRA); rgba[:,:,3] = fg
out = rgba[by1:by2, bx1:bx2]
cv2.imwrite('person.png', out, [cv2.IMWRITE_PNG_COMPRESSION, 9])
print(out.shape)
# preview on grey
bg = np.full((out.shape[0], out.shape[1]*2, 3), 160, np.uint8)
a = out[:,:,3:4]/255.0
bg[:, :out.shape[1]] = (out[:,:,:3]*a + bg[:, :out.shape[1]]*(1-a)).astype(np.uint8)
bg[:, out.shape[1]:] = cv2.cvtColor(out[:,:,3], cv2.COLOR_GRAY2BGR)
cv2.imwrite('preview.png', cv2.resize(bg, None, fx=2, fy=2))
